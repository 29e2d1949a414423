#!/usr/bin/env bash
# Real PostgreSQL 15 (+ pgvector) and Redis 7 for the integration tests, on loopback only, Debian's chromium for the
# dashboard's headless-browser test, and n8n with the repository's node package for the n8n end-to-end tests
# (scripts/n8n.sh; set ALLIXIOS_SKIP_N8N=1 to leave it out).
#
#   scripts/test-services.sh start    install what is missing, start (or reuse) both, write the env file
#   scripts/test-services.sh stop     stop both; fine if they are not running
#   scripts/test-services.sh status   exit 0 if both run, 3 otherwise
#
# The machines have no Docker engine and nothing installed by hand survives a move to a new
# machine, so this script is the one place that makes the test servers exist (see DESIGN.md,
# "Real services in tests"). It is meant for a Debian 12 machine where we are root.
#
# Environment:
#   ALLIXIOS_SERVICES_DIR  private data folder (default: <repo>/.services)
#   ALLIXIOS_PG_PORT       PostgreSQL port (default 55432)
#   ALLIXIOS_REDIS_PORT    Redis port (default 56379)
#   ALLIXIOS_SKIP_N8N      1: neither install nor start n8n (the n8n end-to-end tests then skip)
#
# After `start`, `source <services dir>/env` exports ALLIXIOS_TEST_POSTGRES (an Npgsql
# connection string) and ALLIXIOS_TEST_REDIS (host:port), plus ALLIXIOS_TEST_POSTGRES_DATA, ALLIXIOS_TEST_PG_CTL and
# ALLIXIOS_TEST_POSTGRES_LOG (the cluster's data folder, its pg_ctl, run as the postgres user, and its server log) for
# the test that restarts the server under load. With n8n it also exports ALLIXIOS_TEST_N8N_URL,
# ALLIXIOS_TEST_N8N_API_KEY and ALLIXIOS_TEST_N8N_CLI (see scripts/n8n.sh).
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
services_dir="$(realpath -m "${ALLIXIOS_SERVICES_DIR:-$repo_dir/.services}")"
pg_port="${ALLIXIOS_PG_PORT:-55432}"
redis_port="${ALLIXIOS_REDIS_PORT:-56379}"

pg_bin=/usr/lib/postgresql/15/bin
pg_root="$services_dir/postgres"     # owned by the postgres user
pg_data="$pg_root/data"
pg_sock="$pg_root/sock"
pg_log="$pg_root/postgres.log"
# A fixed password is fine: the server only listens on 127.0.0.1 and holds throwaway data.
pg_password=allixios

redis_root="$services_dir/redis"
redis_pidfile="$redis_root/redis.pid"
redis_portfile="$redis_root/port"    # the port the running instance was started on
redis_log="$redis_root/redis.log"

log_dir="$services_dir/logs"
env_file="$services_dir/env"
vector_control=/usr/share/postgresql/15/extension/vector.control

# Debian 12 has no pgvector for PostgreSQL 15; trixie's source package (0.8.0) builds against it.
pgvector_suite=trixie
apt_mirror=http://deb.debian.org/debian   # the host /etc/apt/sources.list.d/debian.sources uses

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Prints the last lines of a log, prefixed, so a failure explains itself in CI output.
tail_log() {
  local file="$1" lines="${2:-30}"
  [[ -f "$file" ]] || return 0
  say "--- last $lines lines of $file ---" >&2
  tail -n "$lines" "$file" | sed 's/^/[services]   /' >&2
}

as_postgres() { runuser -u postgres -- "$@"; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Installation
# ---------------------------------------------------------------------------------------------

is_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }

has_candidate() {
  local candidate
  candidate="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  [[ -n "$candidate" && "$candidate" != "(none)" ]]
}

apt_updated=false
fetch_pid=""   # background pgvector source download, killed if we die before waiting on it
n8n_install_pid=""   # background n8n install (scripts/n8n.sh install), likewise
apt_update() {
  say "apt-get update (log: $log_dir/apt.log)"
  if ! apt-get update >>"$log_dir/apt.log" 2>&1; then
    tail_log "$log_dir/apt.log"
    die "apt-get update failed"
  fi
  apt_updated=true
}

apt_install() {
  local pkg
  # Skip the slow update when the local package lists can already serve every package.
  for pkg in "$@"; do
    if ! has_candidate "$pkg"; then apt_update; break; fi
  done
  say "installing: $* (log: $log_dir/apt.log)"
  local cmd=(apt-get install -y --no-install-recommends "$@")
  if ! DEBIAN_FRONTEND=noninteractive "${cmd[@]}" >>"$log_dir/apt.log" 2>&1; then
    # Stale lists point at files the mirror no longer has; one refresh usually fixes that.
    $apt_updated && { tail_log "$log_dir/apt.log"; die "apt-get install $* failed"; }
    apt_update
    DEBIAN_FRONTEND=noninteractive "${cmd[@]}" >>"$log_dir/apt.log" 2>&1 \
      || { tail_log "$log_dir/apt.log"; die "apt-get install $* failed"; }
  fi
}

# Fetches and unpacks Debian's pgvector source. It uses its own sources list, package lists and
# cache, so the system's apt configuration (and every later plain `apt-get update`) is
# untouched, and so it can run while the system apt-get installs packages.
fetch_pgvector_source() {
  local apt_dir="$services_dir/apt-trixie-src" build_dir="$services_dir/build"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache" "$apt_dir/sources.list.d" "$build_dir"
  cat >"$apt_dir/sources.list" <<EOF
# deb-src only: nothing from $pgvector_suite is ever installed as a binary on this bookworm machine.
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $apt_mirror $pgvector_suite main
EOF
  local apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    # The download folders belong to root, which the _apt sandbox user cannot write to.
    -o "APT::Sandbox::User=root"
  )
  if ! compgen -G "$apt_dir/lists/*_Sources*" >/dev/null; then
    apt-get "${apt_opts[@]}" update
  fi
  rm -rf "$build_dir"/pgvector-*
  (cd "$build_dir" && apt-get "${apt_opts[@]}" source pgvector) \
    || { apt-get "${apt_opts[@]}" update && (cd "$build_dir" && apt-get "${apt_opts[@]}" source pgvector); }
}

build_pgvector() {
  local src
  src="$(find "$services_dir/build" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
  [[ -n "$src" ]] || die "pgvector source not found under $services_dir/build"
  say "building $(basename "$src") (log: $log_dir/pgvector-build.log)"
  # Debian's `no-native` patch already drops pgvector's -march=native, so the library does not
  # depend on this host's CPU. with_llvm=no skips JIT bitcode: faster, and needs no clang.
  local make_args=(PG_CONFIG="$pg_bin/pg_config" with_llvm=no)
  if ! { make -C "$src" -j"$(nproc)" "${make_args[@]}" && make -C "$src" "${make_args[@]}" install; } \
      >"$log_dir/pgvector-build.log" 2>&1; then
    tail_log "$log_dir/pgvector-build.log"
    die "pgvector build failed"
  fi
  [[ -f "$vector_control" ]] || die "pgvector installed, but $vector_control is missing"
}

install_missing() {
  local pkgs=() need_vector=false
  [[ -x "$pg_bin/postgres" && -x "$pg_bin/initdb" ]] || pkgs+=(postgresql-15)
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || pkgs+=(redis-server)
  # Headless Chromium for the runtime's dashboard test (tests/Allixios.IntegrationTests, JobsDashboardTests).
  [[ -x /usr/bin/chromium ]] || pkgs+=(chromium)
  if [[ ! -f "$vector_control" ]]; then
    need_vector=true
    # pg_config alone comes with the client; the server headers PGXS needs do not.
    is_installed postgresql-server-dev-15 || pkgs+=(postgresql-server-dev-15)
    local tool
    for tool in make gcc dpkg-source; do
      command -v "$tool" >/dev/null || case "$tool" in
        dpkg-source) pkgs+=(dpkg-dev) ;;
        *) pkgs+=("$tool") ;;
      esac
    done
    is_installed libc6-dev || pkgs+=(libc6-dev)
  fi

  if $need_vector; then
    say "fetching pgvector source from Debian $pgvector_suite (log: $log_dir/pgvector-source.log)"
    fetch_pgvector_source >"$log_dir/pgvector-source.log" 2>&1 &
    fetch_pid=$!
  fi

  if ((${#pkgs[@]})); then
    apt_install "${pkgs[@]}"
    after_install_cleanup
  fi

  if $need_vector; then
    local fetch_rc=0
    wait "$fetch_pid" || fetch_rc=$?
    fetch_pid=""
    if ((fetch_rc != 0)); then
      tail_log "$log_dir/pgvector-source.log"
      die "could not fetch Debian's pgvector source"
    fi
    build_pgvector
  fi
}

# Debian's packages may create and start default servers (a 15/main cluster on 5432, a redis on
# 6379). Docker-style images block that with policy-rc.d, but elsewhere they would run beside
# ours and take memory, so stop them; the default cluster is left in place, just not running.
after_install_cleanup() {
  if command -v pg_lsclusters >/dev/null; then
    while read -r ver name _port status _; do
      if [[ "$status" == online* ]]; then
        say "stopping Debian's default cluster $ver/$name (not used by the tests)"
        pg_ctlcluster "$ver" "$name" stop || true
      fi
    done < <(pg_lsclusters --no-header 2>/dev/null || true)
  fi
  if [[ -f /run/redis/redis-server.pid ]] && kill -0 "$(cat /run/redis/redis-server.pid)" 2>/dev/null; then
    say "stopping Debian's default redis-server (not used by the tests)"
    kill "$(cat /run/redis/redis-server.pid)" || true
  fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------

# The postgres user must be able to reach its folder; a clone under e.g. /root (0700) would not
# let it. Grant search (x) only, not listing, on the ancestors that lack it.
ensure_traversable() {
  as_postgres test -x "$pg_root" 2>/dev/null && return 0
  local dir="" part
  local -a parts
  IFS=/ read -ra parts <<<"${pg_root#/}"
  # Top down, so only the folders that really block the way are changed.
  for part in "${parts[@]}"; do
    dir="$dir/$part"
    if ! as_postgres test -x "$dir" 2>/dev/null; then
      say "granting o+x on $dir so the postgres user can reach $pg_root"
      chmod o+x "$dir"
    fi
  done
}

pg_running_port() {
  # postmaster.pid line 4 is the port; pg_ctl status tells whether its pid is really alive.
  [[ -f "$pg_data/postmaster.pid" ]] || return 1
  as_postgres "$pg_bin/pg_ctl" status -D "$pg_data" >/dev/null 2>&1 || return 1
  sed -n 4p "$pg_data/postmaster.pid"
}

pg_init() {
  [[ -f "$pg_data/PG_VERSION" ]] && return 0
  say "initialising PostgreSQL data folder $pg_data"
  local tmp="$pg_root/data.initdb" pwfile="$pg_root/pwfile"
  rm -rf "$tmp"
  printf '%s\n' "$pg_password" >"$pwfile"
  chown postgres:postgres "$pwfile"
  chmod 600 "$pwfile"
  # Build in a side folder and rename, so an interrupted initdb never leaves a half data folder
  # that the next run would mistake for a good one.
  if ! as_postgres "$pg_bin/initdb" -D "$tmp" -U postgres --pwfile="$pwfile" -E UTF8 \
      --locale=C.UTF-8 >"$log_dir/initdb.log" 2>&1; then
    rm -f "$pwfile"
    tail_log "$log_dir/initdb.log"
    die "initdb failed"
  fi
  rm -f "$pwfile"
  # Throwaway test data: durability only costs time. Extra connections leave room for
  # parallel test classes each holding an Npgsql pool.
  cat >>"$tmp/postgresql.conf" <<'EOF'

# --- scripts/test-services.sh ---
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  # Socket clients (this script, a person with psql) need no password; TCP clients, as the
  # tests connect, use the password, and only from 127.0.0.1.
  cat >"$tmp/pg_hba.conf" <<'EOF'
local all all                trust
host  all all 127.0.0.1/32   scram-sha-256
EOF
  mv "$tmp" "$pg_data"
}

pg_start() {
  mkdir -p "$pg_root"
  chown postgres:postgres "$pg_root"
  chmod 755 "$pg_root"
  ensure_traversable
  pg_init

  local running
  if running="$(pg_running_port)"; then
    if [[ "$running" == "$pg_port" ]]; then
      say "postgres already running on 127.0.0.1:$pg_port"
      return 0
    fi
    say "postgres running on port $running, restarting on $pg_port"
    pg_stop
  fi
  port_in_use "$pg_port" && die "port $pg_port is taken by another process; set ALLIXIOS_PG_PORT"

  # Unix sockets are capped at 107 bytes; past that, serve TCP only rather than fail to start.
  local sock_setting="$pg_sock"
  if ((${#pg_sock} + 20 > 107)); then sock_setting=""; fi
  install -d -o postgres -g postgres -m 700 "$pg_sock"

  say "starting postgres on 127.0.0.1:$pg_port"
  if ! as_postgres "$pg_bin/pg_ctl" start -D "$pg_data" -l "$pg_log" -w -t 60 \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$sock_setting'" \
      >"$log_dir/pg_ctl.log" 2>&1 9>&-; then
    tail_log "$log_dir/pg_ctl.log"
    tail_log "$pg_log"
    die "postgres did not start"
  fi
}

pg_stop() {
  if pg_running_port >/dev/null; then
    say "stopping postgres"
    as_postgres "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w -t 60 >/dev/null
  else
    say "postgres not running"
  fi
}

psql_tcp() {
  PGPASSWORD="$pg_password" "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
    -U postgres -d postgres "$@"
}

# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------

redis_pid() {
  [[ -f "$redis_pidfile" ]] || return 1
  local pid
  pid="$(cat "$redis_pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A pid from before a reboot may now belong to something else.
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]] || return 1
  echo "$pid"
}

redis_start() {
  mkdir -p "$redis_root"
  if redis_pid >/dev/null; then
    local running
    running="$(cat "$redis_portfile" 2>/dev/null || true)"
    if [[ "$running" == "$redis_port" ]]; then
      say "redis already running on 127.0.0.1:$redis_port"
      return 0
    fi
    say "redis running on port ${running:-?}, restarting on $redis_port"
    redis_stop
  fi
  port_in_use "$redis_port" && die "port $redis_port is taken by another process; set ALLIXIOS_REDIS_PORT"

  say "starting redis on 127.0.0.1:$redis_port"
  # No persistence: tests want a blank, fast server.
  if ! redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --pidfile "$redis_pidfile" --dir "$redis_root" --logfile "$redis_log" \
      >>"$redis_log" 2>&1 9>&-; then
    tail_log "$redis_log"
    die "redis did not start"
  fi
  echo "$redis_port" >"$redis_portfile"
}

redis_stop() {
  local pid
  if pid="$(redis_pid)"; then
    say "stopping redis"
    redis-cli -p "$(cat "$redis_portfile" 2>/dev/null || echo "$redis_port")" shutdown nosave \
      >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "redis (pid $pid) did not stop"
  else
    say "redis not running"
  fi
  rm -f "$redis_pidfile" "$redis_portfile"
}

# ---------------------------------------------------------------------------------------------
# Readiness and checks
# ---------------------------------------------------------------------------------------------

wait_until() {
  local what="$1" timeout="$2" log="$3"; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      tail_log "$log"
      die "$what did not answer within ${timeout}s"
    fi
    sleep 0.2
  done
}

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" == PONG ]]; }

check_vector() {
  # CREATE EXTENSION is transactional: prove it loads, then leave no trace behind.
  local out
  if ! out="$(psql_tcp -A -t 2>&1 <<'SQL'
BEGIN;
CREATE EXTENSION IF NOT EXISTS vector;
SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector;
ROLLBACK;
SQL
)"; then
    printf '%s\n' "$out" | sed 's/^/[services]   /' >&2
    die "CREATE EXTENSION vector failed"
  fi
  [[ "$out" == *1* ]] || die "pgvector check returned '$out', expected 1"
}

write_env() {
  cat >"$env_file" <<EOF
export ALLIXIOS_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$pg_password;Database=postgres'
export ALLIXIOS_TEST_REDIS='127.0.0.1:$redis_port'
export ALLIXIOS_TEST_POSTGRES_DATA='$pg_data'
export ALLIXIOS_TEST_PG_CTL='$pg_bin/pg_ctl'
export ALLIXIOS_TEST_POSTGRES_LOG='$pg_log'
EOF
  say "env written to $env_file:"
  sed 's/^/[services]   /' "$env_file"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

with_n8n() { [[ "${ALLIXIOS_SKIP_N8N:-}" != 1 ]]; }

cmd_start() {
  local t0=$SECONDS
  # A stale env file would point callers at servers that are not there.
  rm -f "$env_file"
  # n8n's install (minutes the first time, a check afterwards) runs while apt and the servers do.
  if with_n8n; then
    "$repo_dir/scripts/n8n.sh" install 9>&- &
    n8n_install_pid=$!
  fi
  install_missing
  pg_start
  redis_start
  wait_until "postgres" 30 "$pg_log" "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"
  wait_until "redis" 15 "$redis_log" redis_ping
  check_vector
  write_env
  if with_n8n; then
    local n8n_rc=0
    wait "$n8n_install_pid" || n8n_rc=$?
    n8n_install_pid=""
    ((n8n_rc == 0)) || die "n8n could not be installed (see above)"
    "$repo_dir/scripts/n8n.sh" start 9>&- || die "n8n did not start (see above)"
  fi
  say "ready in $((SECONDS - t0))s"
}

cmd_stop() {
  rm -f "$env_file"
  "$repo_dir/scripts/n8n.sh" stop
  pg_stop
  redis_stop
}

cmd_status() {
  local ok=0 port pid
  if port="$(pg_running_port)"; then
    say "postgres: running on 127.0.0.1:$port (data $pg_data)"
  else
    say "postgres: stopped"; ok=3
  fi
  if pid="$(redis_pid)"; then
    say "redis: running on 127.0.0.1:$(cat "$redis_portfile" 2>/dev/null || echo '?') (pid $pid)"
  else
    say "redis: stopped"; ok=3
  fi
  if with_n8n && ! "$repo_dir/scripts/n8n.sh" status; then ok=3; fi
  [[ -f "$env_file" ]] && say "env file: $env_file"
  return "$ok"
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    start | stop | status) ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
  [[ "$(id -u)" == 0 ]] || die "must run as root (it installs packages and runs postgres as its user)"
  local port
  for port in "$pg_port" "$redis_port"; do
    [[ "$port" =~ ^[0-9]+$ ]] && ((port >= 1024 && port <= 65535)) \
      || die "port '$port' must be a number from 1024 to 65535"
  done
  [[ "$services_dir" != *"'"* ]] || die "ALLIXIOS_SERVICES_DIR must not contain a single quote"

  mkdir -p "$services_dir" "$log_dir"
  chmod 755 "$services_dir"
  if [[ "$cmd" != status ]]; then
    # Two test runs starting at once would race on initdb, apt and the ports. The servers must
    # not inherit fd 9 (see `9>&-` where they start), or they would hold this lock forever.
    exec 9>"$services_dir/lock"
    flock -w 600 9 || die "another test-services.sh has held $services_dir/lock for 10 minutes"
  fi
  trap '[[ -n "$fetch_pid" ]] && kill "$fetch_pid" 2>/dev/null; [[ -n "$n8n_install_pid" ]] && kill "$n8n_install_pid" 2>/dev/null; true' EXIT

  "cmd_$cmd"
}

main "$@"
