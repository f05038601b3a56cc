# Shared helpers for scripts/quickstart and scripts/test (sourced, not run): PostgreSQL install and lookup,
# running commands as the PostgreSQL account, .NET checks.

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Prints the directory holding initdb and postgres, the same way the test fixture finds it:
# $PG_BIN, else the highest /usr/lib/postgresql/<version>/bin with initdb, else pg_config --bindir.
pg_bin_dir() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/initdb" ] && echo "$PG_BIN"
    return
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V | while read -r d; do
          [ -x "$d/initdb" ] && echo "$d"; done | tail -n 1)
  if [ -z "$dir" ] && command -v pg_config >/dev/null 2>&1; then
    dir=$(pg_config --bindir 2>/dev/null)
    [ -x "$dir/initdb" ] || dir=""
  fi
  [ -n "$dir" ] && echo "$dir"
}

# Installs the PostgreSQL server (Debian's package also brings psql and pgbench) when initdb, psql or pgbench
# is missing.
ensure_postgres() {
  local bin
  bin=$(pg_bin_dir || true)
  if [ -n "$bin" ] && { [ -x "$bin/psql" ] || command -v psql >/dev/null; } \
                   && { [ -x "$bin/pgbench" ] || command -v pgbench >/dev/null; }; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries are missing and apt-get is not available: install PostgreSQL (initdb, postgres, psql, pgbench) or set PG_BIN." >&2
    return 1
  fi
  echo "Installing PostgreSQL with apt-get (initdb, postgres, psql, pgbench are missing)..." >&2
  as_root apt-get update -q >&2 || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || return 1
  [ -n "$(pg_bin_dir)" ]
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required (dotnet not found on PATH). See https://learn.microsoft.com/dotnet/core/install/linux" >&2
    return 1
  fi
}

# The system account that runs PostgreSQL when we are root (PostgreSQL refuses root): the Debian package's
# postgres user, or a dedicated pooler-pg system user. Empty when we are not root.
pg_account() {
  [ "$(id -u)" -eq 0 ] || return 0
  if id -u postgres >/dev/null 2>&1; then echo postgres; return; fi
  id -u pooler-pg >/dev/null 2>&1 ||
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin pooler-pg >&2
  echo pooler-pg
}

# Sets the array PG_AS to the command prefix that runs a program as that account, so that
# `"${PG_AS[@]}" postgres ... &` makes $! the postmaster's own pid (setpriv execs; it does not fork).
set_pg_as() {
  local account
  account=$(pg_account)
  if [ -n "$account" ]; then
    PG_AS=(setpriv --reuid="$account" --regid="$account" --init-groups --)
  else
    PG_AS=()
  fi
}
