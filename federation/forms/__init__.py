"""WTForms for the pages. Every form derives from `BaseForm`, which carries CSRF."""
