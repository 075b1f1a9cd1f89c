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
