#!/usr/bin/env bash
# One command: install, migrate a local SQLite database, load the demo
# federation and serve the platform at http://127.0.0.1:5000, with the job
# queue's worker and scheduler running beside the web server (embedded
# default: the queue lives in instance/queue.sqlite3; no other server needed).
# Mails stay in the outbox (readable by the demo admin under Admin > Mail outbox).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh requirements.txt
export FLASK_APP=wsgi
export FLASK_RUN_HOST=${FLASK_RUN_HOST:-127.0.0.1}
export FLASK_RUN_PORT=${FLASK_RUN_PORT:-5000}

echo "==> Applying migrations"
.venv/bin/python -m flask db upgrade
echo "==> Loading the demo federation"
.venv/bin/python -m flask demo

echo "==> Starting the job queue (worker and scheduler)"
.venv/bin/python -m flask worker &
worker=$!
web=
trap 'kill $worker $web 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

echo "==> Serving at http://${FLASK_RUN_HOST}:${FLASK_RUN_PORT} (Ctrl+C to stop)"
.venv/bin/python -m gunicorn --bind "${FLASK_RUN_HOST}:${FLASK_RUN_PORT}" --workers 2 --threads 4 wsgi:app &
web=$!
# Either process ending ends the other (the EXIT trap stops the worker).
wait -n "$worker" "$web" || true
kill "$web" 2>/dev/null || true
wait "$web" 2>/dev/null || true
