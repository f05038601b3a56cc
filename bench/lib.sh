# Shared defaults and helpers for the bench/ scripts (sourced, not run): ports, the state directory, the account
# that runs PostgreSQL and PgBouncer (both refuse root), PostgreSQL lookup from scripts/lib.sh.
set -uo pipefail
BENCH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_HOME/.." && pwd)"
export BENCH_HOME REPO
# shellcheck source=../scripts/lib.sh
source "$REPO/scripts/lib.sh"

export BENCH_DIR="${BENCH_DIR:-/tmp/pooler-bench-run}"   # throwaway state: PostgreSQL data, configs, logs
export PG_PORT="${PG_PORT:-55490}"
export PGB_PORT="${PGB_PORT:-6490}"                      # PgBouncer
export OURS_W1_PORT="${OURS_W1_PORT:-6491}"              # our pooler, workers = 1
export OURS_WN_PORT="${OURS_WN_PORT:-6492}"              # our pooler, workers = nproc
export PG_DB="${PG_DB:-bench}"
export BENCH_USER="${BENCH_USER:-postgres}"              # trust everywhere: the benchmark measures pooling, not auth
export POOL_SIZE="${POOL_SIZE:-20}"
export MAX_CLIENT_CONN="${MAX_CLIENT_CONN:-11000}"       # room for the 10,000 idle clients of the memory check
export PG_BIN="${PG_BIN:-$(pg_bin_dir || true)}"
export PG_SOCKDIR="$BENCH_DIR/pg/sock"
export PG_DATA="$BENCH_DIR/pg/data"
export TLS_DIR="$BENCH_DIR/tls"
export PY="${PY:-$(command -v /usr/bin/python3 || command -v python3)}"

RUN_AS="$(pg_account)"                                   # empty when not root: everything runs as the caller
export RUN_AS

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs a command as $RUN_AS without an intermediate process (setpriv execs), so a recorded PID is the real one.
as_user() {
  if [ -n "$RUN_AS" ]; then setpriv --reuid="$RUN_AS" --regid="$RUN_AS" --init-groups -- "$@"; else "$@"; fi
}

# A directory the benchmark account owns.
mkdir_user() { mkdir -p "$1"; [ -z "$RUN_AS" ] || chown "$RUN_AS:" "$1"; }

# Raises the open-files limit of this shell (and so of everything it starts) as far as allowed: 1,000 pgbench
# clients and 10,000 idle clients need more than the usual 1,024.
raise_nofile() {
  local want=${1:-65536} hard
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then ulimit -Hn "$want" 2>/dev/null || true; fi
  hard=$(ulimit -Hn)
  if [ "$hard" = unlimited ] || [ "$hard" -ge "$want" ]; then ulimit -Sn "$want"; else ulimit -Sn "$hard"; fi
}
