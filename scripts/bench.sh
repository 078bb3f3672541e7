#!/usr/bin/env bash
# The benchmark: builds a synthetic federation (default 100,000 profiles) in
# SQLite and PostgreSQL, serves it with gunicorn and measures it from a
# separate load process. Writes bench/reports/latest/report.md and report.json.
# Arguments go to bench.run (e.g. --db sqlite --profiles 10000 --curve "").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh requirements.txt
exec .venv/bin/python -m bench.run "$@"
