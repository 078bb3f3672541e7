#!/usr/bin/env bash
# One command: install, migrate a local SQLite database, load the demo
# federation and serve the platform at http://127.0.0.1:5000.
# Mails stay in the outbox (readable by the demo admin under Admin > Mail outbox).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh requirements.txt
export FLASK_APP=wsgi
export FLASK_RUN_HOST=${FLASK_RUN_HOST:-127.0.0.1}
export FLASK_RUN_PORT=${FLASK_RUN_PORT:-5000}

echo "==> Applying migrations"
.venv/bin/flask db upgrade
echo "==> Loading the demo federation"
.venv/bin/flask demo
echo "==> Serving at http://${FLASK_RUN_HOST}:${FLASK_RUN_PORT} (Ctrl+C to stop)"
exec .venv/bin/gunicorn --bind "${FLASK_RUN_HOST}:${FLASK_RUN_PORT}" --workers 2 --threads 4 \
  --access-logfile - wsgi:app
