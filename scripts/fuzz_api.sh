#!/usr/bin/env bash
# Fuzz the live JSON API with Schemathesis, from its own OpenAPI document.
#
# A fresh database (SQLite by default; DATABASE_URL=postgresql://... for
# PostgreSQL) is migrated and loaded with the demo federation, gunicorn serves
# it on a loopback port, and Schemathesis runs as an admin, a member and
# anonymously. It fails on any server error, a response that breaks its
# schema, an undocumented status code or content type.
#
#   scripts/fuzz_api.sh                 # SQLite
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_fuzz scripts/fuzz_api.sh
#
# FUZZ_SECONDS   time budget per role (default 50)
# FUZZ_SEED      the seed (default: random; always printed, pass it to replay)
# FUZZ_PORT      loopback port (default: a free one)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh requirements-test.txt >/dev/null

root=$PWD
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export FLASK_APP=wsgi
export DATABASE_URL=${DATABASE_URL:-sqlite:///$work/fuzz.sqlite3}
export SECRET_KEY=fuzz-only-not-secret
export UPLOAD_DIR=$work/uploads
export EXTERNAL_URL=http://127.0.0.1
seconds=${FUZZ_SECONDS:-50}
seed=${FUZZ_SEED:-$RANDOM$RANDOM}
port=${FUZZ_PORT:-$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

case "$DATABASE_URL" in
  postgres*)
    # A clean database each run: drop and recreate the schema.
    .venv/bin/python - <<'PY'
import os
import psycopg
url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute("DROP SCHEMA public CASCADE")
    conn.execute("CREATE SCHEMA public")
PY
    ;;
esac

echo "==> Fuzzing the API on ${DATABASE_URL%%://*} (seed $seed, ${seconds}s per role)"
.venv/bin/python -m flask db upgrade >/dev/null
.venv/bin/python -m flask demo >/dev/null
token() { .venv/bin/python -m flask users token --email "$1" --name fuzz | tail -n1; }
admin_token=$(token admin@demo.federation.example.jp)
member_token=$(token member@demo.federation.example.jp)

.venv/bin/python -m gunicorn --bind "127.0.0.1:$port" --workers 2 --threads 2 --log-level warning \
  --error-logfile "$work/server.log" wsgi:app &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do
  .venv/bin/python -c "import urllib.request; urllib.request.urlopen('$base/api/v1/openapi.json')" \
    2>/dev/null && break
  sleep 0.2
done

status=0
run() {
  local who=$1; shift
  echo "==> As $who"
  # Revoking tokens by guessed ids would sign the fuzzer out mid-run. Run from
  # the scratch folder, where Schemathesis keeps its cache.
  (cd "$work" && "$root/.venv/bin/python" -m schemathesis.cli run "$base/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-time "$seconds" --seed "$seed" \
    --workers 1 --request-timeout 20 --no-color --generation-database none \
    --exclude-path-regex '^/tokens/' --suppress-health-check all \
    --output-truncate false "$@") || status=1
}
run admin -H "Authorization: Bearer $admin_token"
run member -H "Authorization: Bearer $member_token"
run anonymous

if [ -s "$work/server.log" ] && grep -q "Traceback\|Unhandled error" "$work/server.log"; then
  echo "==> Server errors logged:"; cat "$work/server.log"; status=1
fi
if [ "$status" != 0 ]; then
  echo "!! The fuzzer found failures. Replay with FUZZ_SEED=$seed DATABASE_URL=$DATABASE_URL $0"
fi
exit "$status"
