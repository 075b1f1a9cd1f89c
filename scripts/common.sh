# Shared by scripts/run.sh and scripts/test.sh. Source it; don't run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  # apt_install PACKAGE... : installs Debian packages when root, else explains what is missing.
  if is_root && command -v apt-get >/dev/null; then
    say "Installing Debian packages: $*"
    if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq; _APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    die "missing: $* — install them (e.g. 'sudo apt-get install $*') and run again."
  fi
}

ensure_venv() {
  # Creates .venv with the pinned requirements; reinstalls only when requirements.txt changed.
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then apt_install python3-venv; fi
  if [ ! -x "$PY" ]; then
    say "Creating virtualenv in .venv"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements.sha256"
  local want; want="$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python dependencies (requirements.txt)"
    "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements.txt"
    echo "$want" > "$stamp"
  fi
}

ensure_chromium() {
  CHROMIUM="${PORTAL_CHROMIUM:-/usr/bin/chromium}"
  [ -x "$CHROMIUM" ] || apt_install chromium
  [ -x "$CHROMIUM" ] || die "Chromium still not found at $CHROMIUM"
}

# OCR of scanned attachments (app/ingest/ocr.py): Tesseract with its Vietnamese model, poppler's
# pdfinfo/pdftotext/pdftoppm, qpdf for the searchable PDF. The tests also render Vietnamese text
# in DejaVu Serif (fonts-dejavu-core).
ocr_missing() {
  # Prints the Debian packages OCR still needs, space-separated (nothing when all are there).
  local missing=()
  command -v tesseract >/dev/null || missing+=(tesseract-ocr)
  if ! tesseract --list-langs 2>/dev/null | grep -qx vie; then missing+=(tesseract-ocr-vie); fi
  { command -v pdftoppm && command -v pdfinfo && command -v pdftotext; } >/dev/null || missing+=(poppler-utils)
  command -v qpdf >/dev/null || missing+=(qpdf)
  echo "${missing[*]}"
}

ensure_ocr() {
  # For the tests: OCR must be there (installed when root, else a failure naming the packages).
  local missing; missing="$(ocr_missing)"
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || missing="$missing fonts-dejavu-core"
  # shellcheck disable=SC2086
  if [ -n "${missing// /}" ]; then apt_install $missing; fi
  missing="$(ocr_missing)"
  [ -z "$missing" ] || die "OCR packages still missing: $missing"
}

offer_ocr() {
  # For running the portal: install OCR when root; otherwise say it is off and go on without it.
  local missing; missing="$(ocr_missing)"
  [ -n "$missing" ] || return 0
  if is_root && command -v apt-get >/dev/null; then
    # shellcheck disable=SC2086
    (apt_install $missing) || say "Could not install $missing: OCR of scanned files stays off"
  else
    say "OCR of scanned files is off: missing $missing (sudo apt-get install $missing turns it on)"
  fi
}

pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_test_postgres() {
  # Starts a throwaway PostgreSQL cluster on 127.0.0.1 and exports PORTAL_TEST_PG_URL.
  # Set PORTAL_TEST_PG_URL yourself to use an existing server instead.
  if [ -n "${PORTAL_TEST_PG_URL:-}" ]; then return; fi
  [ -n "$(pg_bindir)" ] || apt_install postgresql
  local bin; bin="$(pg_bindir)"
  [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  local port="${PORTAL_TEST_PG_PORT:-}"
  if [ -z "$port" ]; then
    # 55432, or the next free port when another cluster (another checkout's tests) holds it.
    port="$(python3 -c 'import socket
for p in range(55432, 55532):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()')"
  fi
  PG_TEST_DIR="$(mktemp -d /tmp/cchc-portal-pg.XXXXXX)"
  local run=()
  if is_root; then
    id postgres >/dev/null 2>&1 || die "the 'postgres' system user is missing (install the postgresql package)"
    chown postgres "$PG_TEST_DIR"
    run=(runuser -u postgres --)
  fi
  say "Starting a throwaway PostgreSQL on 127.0.0.1:$port ($PG_TEST_DIR)"
  "${run[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/log" -w start \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $PG_TEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
    || { cat "$PG_TEST_DIR/log" >&2; die "PostgreSQL did not start"; }
  PG_STOP=("${run[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate stop)
  "${run[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE portal_test" postgres
  export PORTAL_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/portal_test"
}

stop_test_postgres() {
  if [ -n "${PG_TEST_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
  fi
}
