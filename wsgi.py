"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
from federation import create_app
from federation.gunicorn_errors import install as json_errors_from_gunicorn

json_errors_from_gunicorn()
app = create_app()
