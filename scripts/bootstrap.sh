#!/usr/bin/env bash
# Installs what the platform needs into .venv and compiles the translations.
# Re-running is cheap: packages are reinstalled only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
REQUIREMENTS=${1:-requirements.txt}

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment (.venv)"
  "$PYTHON" -m venv .venv
fi

# PyICU (the Japanese collation) builds against Debian's ICU: it needs the ICU
# headers, pkg-config and a C++ compiler.
if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v g++ >/dev/null 2>&1; then
  packages="libicu-dev pkg-config g++ python3-dev"
  if [ "$(id -u)" = 0 ]; then
    echo "==> Installing $packages (for PyICU)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else
    echo "!! $packages missing and cannot be installed: PyICU will not build" >&2
  fi
fi

# requirements.txt (runtime) and requirements-test.txt (the `test` extra) are the
# pinned versions, also read by pyproject.toml; the test set includes the runtime set.
files=(-r requirements.txt)
if [ "$(basename "$REQUIREMENTS")" != requirements.txt ]; then
  files+=(-r "$REQUIREMENTS")
fi
stamp=".venv/.stamp-$(basename "$REQUIREMENTS")"
digest=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  echo "==> Installing Python packages from $REQUIREMENTS"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "${files[@]}"
  echo "$digest" > "$stamp"
fi

# Compiled catalogues are build output, never committed; compiled again only
# when a catalogue is newer than its compiled file (a suite that starts while
# another runs never rewrites the files the other is reading).
stale=0
for po in federation/translations/*/LC_MESSAGES/messages.po; do
  [ "${po%.po}.mo" -nt "$po" ] || stale=1
done
if [ "$stale" = 1 ]; then
  .venv/bin/pybabel compile -d federation/translations -D messages >/dev/null 2>&1 \
    || .venv/bin/pybabel compile -d federation/translations -D messages
fi
mkdir -p instance
