#!/usr/bin/env bash
# One command: install everything the tests need and run the whole suite.
# Runs on SQLite by default; set DATABASE_URL=postgresql://... to run on PostgreSQL.
# Extra arguments go to pytest (e.g. scripts/test.sh -k accounts).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh requirements-test.txt

# Browser tests drive Debian's Chromium; Japanese pages need CJK fonts.
# grep without -q reads fc-list to the end: with -q it exits at the first
# match, fc-list dies of SIGPIPE, and under pipefail the fonts looked missing
# (with the suites side by side, two apt-get runs then met on apt's lock).
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing chromium and fonts-noto-cjk"
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium fonts-noto-cjk >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "!! chromium is missing and cannot be installed: browser tests will fail" >&2
  fi
fi

# Browser tests run axe-core (pinned in package.json) inside each page.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "==> Installing axe-core from the npm registry"
    npm install --no-audit --no-fund --no-package-lock --silent
  else
    echo "!! npm is missing: the accessibility checks of the browser tests will fail" >&2
  fi
fi

# The multi-node test puts Debian's nginx in front of two gunicorn nodes.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing nginx"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null || true
  elif command -v sudo >/dev/null 2>&1; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null || true
  else
    echo "!! nginx is missing and cannot be installed: the multi-node test is skipped" >&2
  fi
fi

echo "==> Running the tests on ${DATABASE_URL:-SQLite}"
exec .venv/bin/python -m pytest "$@"
