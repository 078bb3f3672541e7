"""Federation health (issue 17): indicators per group and month, failure-
pattern flags, dashboards, introduction outcomes, the impact report and the
research export. Modules: indicators (what is measured and how), flags (the
rules), settings (thresholds with change log), snapshots (the job and the
dashboard reads), outcomes, report, export, charts, hooks (extension points
for the knowledge hub)."""
