#!/usr/bin/env bash
# Extracts the messages from code and templates and updates the ja/en catalogues.
# Then fill the new entries in federation/translations/*/LC_MESSAGES/messages.po.
set -euo pipefail
cd "$(dirname "$0")/.."
POT=federation/translations/messages.pot
# --ignore-dirs: Babel's default also skips folders starting with "_", such as
# templates/_partials; only hidden folders and node_modules are skipped here.
.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
  --ignore-dirs ".* node_modules" \
  --project federation --copyright-holder "federation contributors" -o "$POT" . >/dev/null 2>&1
for lang in ja en; do
  if [ -f "federation/translations/$lang/LC_MESSAGES/messages.po" ]; then
    .venv/bin/pybabel update -i "$POT" -d federation/translations -l "$lang" \
      --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
  else
    .venv/bin/pybabel init -i "$POT" -d federation/translations -l "$lang" >/dev/null 2>&1
  fi
done
.venv/bin/pybabel compile -d federation/translations >/dev/null 2>&1

# English is the source language: the English texts are the msgids, shown as
# they are. The en catalogue holds only English that differs from its msgid;
# a copy of the msgid would make the catalogue look complete when it is not,
# so copies are cleared.
.venv/bin/python - <<'PY'
from babel.messages.pofile import read_po, write_po
path = "federation/translations/en/LC_MESSAGES/messages.po"
with open(path, "rb") as f:
    catalog = read_po(f, locale="en")
for message in catalog:
    if message.id and message.string == message.id:
        message.string = "" if isinstance(message.id, str) else ("",) * len(message.id)
    message.flags.discard("fuzzy")
with open(path, "wb") as f:
    write_po(f, catalog, omit_header=False, sort_output=True, no_location=True)
PY
.venv/bin/pybabel compile -d federation/translations >/dev/null 2>&1
echo "catalogues updated: $(grep -c "^msgid" "$POT") messages"
