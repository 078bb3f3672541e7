#!/usr/bin/env bash
# Lint and type checks (the same as .pre-commit-config.yaml): ruff and mypy on federation/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh requirements-test.txt
echo "==> ruff check"
.venv/bin/ruff check federation/
echo "==> ruff format --check"
.venv/bin/ruff format --check federation/
echo "==> mypy"
.venv/bin/python -m mypy
