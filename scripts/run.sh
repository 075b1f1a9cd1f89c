#!/usr/bin/env bash
# From a fresh clone: create the virtualenv, install, migrate, load the demo data
# and serve the portal at http://127.0.0.1:5000 (Ctrl+C stops it).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

ensure_venv
offer_ocr
say "Migrating the database (flask db upgrade)"
"$VENV/bin/flask" --app wsgi db upgrade
say "Loading demo data (flask demo)"
"$VENV/bin/flask" --app wsgi demo
say "Checking the search index (flask search verify, rebuilt if it drifted)"
"$VENV/bin/flask" --app wsgi search verify >/dev/null 2>&1 || "$VENV/bin/flask" --app wsgi search rebuild
say "Serving the portal at http://127.0.0.1:${PORT:-5000}"
exec "$VENV/bin/gunicorn" --bind "127.0.0.1:${PORT:-5000}" --workers 2 --threads 4 --access-logfile - wsgi:app
