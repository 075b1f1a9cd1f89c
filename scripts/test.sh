#!/usr/bin/env bash
# Runs every test: ruff, then the whole suite against SQLite, then against PostgreSQL,
# browser tests in Debian's Chromium, OCR tests with Debian's Tesseract. Installs/starts what the tests need;
# where it cannot (not root), it says what is missing and stops.
# Extra arguments go to pytest, e.g. scripts/test.sh -k login
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

ensure_venv
ensure_chromium
ensure_ocr
trap stop_test_postgres EXIT
start_test_postgres

status=0
say "Lint (ruff check, rules in pyproject.toml)"
"$VENV/bin/ruff" check "$ROOT" || status=$?
say "Test suite on SQLite"
"$PY" -m pytest "$@" || status=$?
say "Test suite on PostgreSQL"
TEST_DATABASE_URL="$PORTAL_TEST_PG_URL" "$PY" -m pytest "$@" || status=$?
if [ "$status" = 0 ]; then say "All tests passed on SQLite and PostgreSQL"; else say "Some tests failed (see above)"; fi
exit "$status"
