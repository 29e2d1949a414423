#!/usr/bin/env bash
# A real n8n for the end-to-end tests of the n8n nodes and bridge, on loopback only, with the repository's node
# package (src/Allixios.N8nBridge/n8n-nodes-allixios) built and loaded. scripts/test-services.sh calls it; run it
# alone as well:
#
#   scripts/n8n.sh install   install n8n from the npm registry into the services folder (skipped when already there)
#   scripts/n8n.sh start     install, build the node package, start (or reuse) n8n, make its owner and an API key,
#                            and add ALLIXIOS_TEST_N8N_* to the services' env file
#   scripts/n8n.sh stop      stop it; fine if it is not running
#   scripts/n8n.sh status    exit 0 if it runs, 3 otherwise
#
# n8n 2.8.4 is the newest line that runs on Node.js 20 (later 2.x need Node 22-24). Its dependency `xlsx` points at a
# tarball host outside the registries; an npm `overrides` entry pins it to 0.18.5 from the registry instead. The
# first install takes minutes and about 2.3 GB; it is kept in <services dir>/n8n/install and reused while its version
# matches.
#
# Environment:
#   ALLIXIOS_SERVICES_DIR  private data folder (default: <repo>/.services), shared with scripts/test-services.sh
#   ALLIXIOS_N8N_PORT      n8n's HTTP port (default: a free port, kept while the instance runs)
#   ALLIXIOS_N8N_NODE_PACKAGE  the node package folder to build and load (default: src/Allixios.N8nBridge/n8n-nodes-allixios)
#
# After `start`, `source <services dir>/env` exports:
#   ALLIXIOS_TEST_N8N_URL      n8n's base address, e.g. http://127.0.0.1:41234
#   ALLIXIOS_TEST_N8N_API_KEY  a key for its public API (/api/v1, header X-N8N-API-KEY), with every scope
#   ALLIXIOS_TEST_N8N_CLI      a script that runs n8n's command line (e.g. `execute --id=ID`) on the same data
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
services_dir="$(realpath -m "${ALLIXIOS_SERVICES_DIR:-$repo_dir/.services}")"

n8n_version=2.8.4
xlsx_version=0.18.5

n8n_root="$services_dir/n8n"
install_dir="$n8n_root/install"           # package.json + node_modules with n8n
home_dir="$n8n_root/home"                 # N8N_USER_FOLDER: n8n keeps .n8n/ (SQLite, settings) in it
pidfile="$n8n_root/n8n.pid"
settings_file="$n8n_root/n8n.env"         # the settings the server and the command-line wrapper share
cli="$n8n_root/n8n-cli"                   # the command-line wrapper the tests call
api_key_file="$n8n_root/api-key"
log_dir="$services_dir/logs"
n8n_log="$log_dir/n8n.log"
env_file="$services_dir/env"
node_package_dir="$(realpath -m "${ALLIXIOS_N8N_NODE_PACKAGE:-$repo_dir/src/Allixios.N8nBridge/n8n-nodes-allixios}")"

# Throwaway credentials: n8n listens on 127.0.0.1 only and holds test data. The password meets n8n's rules
# (8-64 characters, a digit, an upper-case letter).
owner_email=owner@allixios.test
owner_password=Allixios-test-owner-1

say() { printf '[n8n] %s\n' "$*"; }
die() { printf '[n8n] ERROR: %s\n' "$*" >&2; exit 1; }

tail_log() {
  local file="$1" lines="${2:-40}"
  [[ -f "$file" ]] || return 0
  say "--- last $lines lines of $file ---" >&2
  tail -n "$lines" "$file" | sed 's/^/[n8n]   /' >&2
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });'
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# Installation
# ---------------------------------------------------------------------------------------------

installed_version() {
  [[ -f "$install_dir/.allixios-installed" ]] || return 1
  node -p "require('$install_dir/node_modules/n8n/package.json').version" 2>/dev/null
}

write_package_json() {
  cat >"$1/package.json" <<EOF
{
  "name": "allixios-test-n8n",
  "private": true,
  "description": "n8n for the Allixios end-to-end tests (written by scripts/n8n.sh)",
  "dependencies": { "n8n": "$n8n_version" },
  "overrides": { "xlsx": "$xlsx_version" }
}
EOF
}

# sqlite3, one of n8n's dependencies, compiles its native part when it cannot download a prebuilt one.
install_build_tools() {
  local missing=()
  command -v make >/dev/null || missing+=(make)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]} to build sqlite3's native part (log: $log_dir/n8n-install.log)"
  # test-services.sh may be running apt at the same time: wait for its lock instead of failing.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" \
    >>"$log_dir/n8n-install.log" 2>&1 || { tail_log "$log_dir/n8n-install.log"; die "apt-get install ${missing[*]} failed"; }
}

cmd_install() {
  command -v node >/dev/null && command -v npm >/dev/null || die "Node.js and npm are needed (Debian: apt-get install nodejs npm)"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  ((node_major >= 20)) || die "n8n $n8n_version needs Node.js 20 or later; this machine has $(node --version)"

  local have
  if have="$(installed_version)" && [[ "$have" == "$n8n_version" ]]; then
    say "n8n $n8n_version already installed in $install_dir"
    return 0
  fi
  install_build_tools
  [[ -n "${have:-}" ]] && say "installed n8n is $have, replacing it with $n8n_version"

  # Install beside and rename, so an interrupted install never passes for a good one.
  local staging="$n8n_root/install.partial" t0=$SECONDS
  rm -rf "$staging"
  mkdir -p "$staging" "$log_dir"
  write_package_json "$staging"
  say "installing n8n $n8n_version from the npm registry into $install_dir (first time: minutes, ~2.3 GB; log: $log_dir/n8n-install.log)"
  if ! (cd "$staging" && npm install --no-audit --no-fund --loglevel=warn) >"$log_dir/n8n-install.log" 2>&1 9>&-; then
    tail_log "$log_dir/n8n-install.log"
    die "npm install n8n@$n8n_version failed"
  fi
  [[ -x "$staging/node_modules/.bin/n8n" ]] || die "npm install finished but $staging/node_modules/.bin/n8n is missing"
  echo "$n8n_version" >"$staging/.allixios-installed"
  rm -rf "$install_dir"
  mv "$staging" "$install_dir"
  say "n8n $n8n_version installed in $((SECONDS - t0))s"
}

# The node package, built as its own README says (npm ci + build).
build_node_package() {
  [[ -f "$node_package_dir/package.json" ]] || die "the node package is missing: $node_package_dir/package.json"
  # The same stamp as scripts/test-node-package.sh, so that the two never install the same dependencies twice.
  local lock="$node_package_dir/package-lock.json" stamp="$node_package_dir/node_modules/.package-lock.sha256" hash=""
  [[ -f "$lock" ]] && hash="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [[ -z "$hash" || ! -f "$stamp" || "$(cat "$stamp")" != "$hash" ]]; then
    say "installing the node package's dependencies (log: $log_dir/n8n-node-build.log)"
    local install=(npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn)
    [[ -f "$lock" ]] || install=(npm install --no-audit --no-fund --loglevel=warn)
    if ! (cd "$node_package_dir" && "${install[@]}") >"$log_dir/n8n-node-build.log" 2>&1 9>&-; then
      tail_log "$log_dir/n8n-node-build.log"
      die "npm ci in $node_package_dir failed"
    fi
    [[ -n "$hash" ]] && mkdir -p "$(dirname "$stamp")" && echo "$hash" >"$stamp"
  fi
  say "building the node package n8n-nodes-allixios (log: $log_dir/n8n-node-build.log)"
  # CI=true: the build tool then writes plain lines instead of redrawing a spinner into the log.
  if ! (cd "$node_package_dir" && CI=true npm run build) >>"$log_dir/n8n-node-build.log" 2>&1 9>&-; then
    tail_log "$log_dir/n8n-node-build.log"
    die "building $node_package_dir failed"
  fi
  [[ -d "$node_package_dir/dist" ]] || die "the node package built, but $node_package_dir/dist is missing"
}

# Puts the built package where n8n keeps community packages (<user folder>/.n8n/nodes/node_modules), as installing
# n8n-nodes-allixios from Settings → Community nodes would: package.json and dist/, no node_modules (n8n-workflow is a
# peer dependency; n8n's own copy is found through the NODE_PATH n8n sets). Loaded from there its node types are
# `n8n-nodes-allixios.allixios` and `n8n-nodes-allixios.allixiosTrigger`, the names users get and the workflow
# templates use. (N8N_CUSTOM_EXTENSIONS would load the same files as `CUSTOM.allixios`, a name no user has.)
install_node_package() {
  local target="$home_dir/.n8n/nodes/node_modules/n8n-nodes-allixios"
  rm -rf "$target"
  mkdir -p "$target"
  cp "$node_package_dir/package.json" "$target/"
  cp -r "$node_package_dir/dist" "$target/"
}

# What n8n loaded: a hash over the built node package.
dist_hash() { (cd "$node_package_dir/dist" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }

# ---------------------------------------------------------------------------------------------
# Server
# ---------------------------------------------------------------------------------------------

n8n_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid
  pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A pid from before a reboot may now belong to something else.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'n8n' || return 1
  echo "$pid"
}

setting() { sed -n "s/^export $1='\(.*\)'$/\1/p" "$settings_file" 2>/dev/null; }

# The settings the server and the command-line wrapper share. The ports are chosen once per start.
write_settings() {
  local port="$1" broker_port="$2"
  mkdir -p "$home_dir"
  cat >"$settings_file" <<EOF
# Written by scripts/n8n.sh start; read by the server it starts and by $cli.
export N8N_USER_FOLDER='$home_dir'
export N8N_LISTEN_ADDRESS='127.0.0.1'
export N8N_HOST='127.0.0.1'
export N8N_PORT='$port'
export N8N_PROTOCOL='http'
export WEBHOOK_URL='http://127.0.0.1:$port/'
export N8N_EDITOR_BASE_URL='http://127.0.0.1:$port/'
export N8N_RUNNERS_BROKER_LISTEN_ADDRESS='127.0.0.1'
export N8N_RUNNERS_BROKER_PORT='$broker_port'
export DB_TYPE='sqlite'
export N8N_DIAGNOSTICS_ENABLED='false'
export N8N_VERSION_NOTIFICATIONS_ENABLED='false'
export N8N_PERSONALIZATION_ENABLED='false'
export N8N_TEMPLATES_ENABLED='false'
export N8N_SECURE_COOKIE='false'
export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS='true'
export N8N_PUBLIC_API_SWAGGERUI_DISABLED='true'
export EXECUTIONS_DATA_SAVE_ON_SUCCESS='all'
export EXECUTIONS_DATA_SAVE_ON_ERROR='all'
export EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS='true'
export N8N_LOG_LEVEL='info'
export N8N_LOG_OUTPUT='console'
export GENERIC_TIMEZONE='UTC'
export TZ='UTC'
export NODE_ENV='production'
EOF
}

# n8n's command line (`execute --id=ID`, `export:workflow`, …) on the running instance's data. Its own task-runner
# broker takes a fresh port, so it does not collide with the server's.
write_cli() {
  cat >"$cli" <<EOF
#!/usr/bin/env bash
# Runs n8n's command line on the test instance's data (written by scripts/n8n.sh start).
set -euo pipefail
source '$settings_file'
N8N_RUNNERS_BROKER_PORT="\$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });')"
export N8N_RUNNERS_BROKER_PORT
exec node '$install_dir/node_modules/n8n/bin/n8n' "\$@"
EOF
  chmod +x "$cli"
}

base_url() { echo "http://127.0.0.1:$(setting N8N_PORT)"; }

http_ok() { curl -fs -o /dev/null --max-time 5 "$1" 2>/dev/null; }

wait_ready() {
  local url pid timeout=300 deadline
  url="$(base_url)"
  deadline=$((SECONDS + timeout))
  pid="$(cat "$pidfile")"
  # /healthz/readiness answers 200 once the database is connected and migrated, but the REST API comes a few seconds
  # later (until then /rest/* is a 404): wait for /rest/settings, which needs no login.
  until http_ok "$url/healthz/readiness" && http_ok "$url/rest/settings"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail_log "$n8n_log" 60
      die "n8n exited before it was ready (log: $n8n_log)"
    fi
    if ((SECONDS >= deadline)); then
      tail_log "$n8n_log" 60
      die "n8n did not answer $url/healthz/readiness and $url/rest/settings within ${timeout}s (log: $n8n_log)"
    fi
    sleep 0.5
  done
}

start_server() {
  local port="${ALLIXIOS_N8N_PORT:-}" broker_port
  if [[ -z "$port" ]]; then port="$(free_port)"; fi
  [[ "$port" =~ ^[0-9]+$ ]] && ((port >= 1024 && port <= 65535)) || die "ALLIXIOS_N8N_PORT '$port' must be a number from 1024 to 65535"
  port_in_use "$port" && die "port $port is taken by another process; set ALLIXIOS_N8N_PORT to a free one"
  broker_port="$(free_port)"
  while [[ "$broker_port" == "$port" ]]; do broker_port="$(free_port)"; done
  write_settings "$port" "$broker_port"
  write_cli
  install_node_package

  say "starting n8n $n8n_version on 127.0.0.1:$port (task-runner broker on $broker_port; log: $n8n_log)"
  : >"$n8n_log"
  # Its own session and process group, so `stop` ends the task runners it spawns with it; fd 9 (the services lock)
  # is not inherited, or n8n would hold it forever.
  (
    # shellcheck source=/dev/null
    source "$settings_file"
    exec setsid node "$install_dir/node_modules/n8n/bin/n8n" start >>"$n8n_log" 2>&1 </dev/null 9>&-
  ) &
  echo $! >"$pidfile"
  local t0=$SECONDS
  wait_ready
  say "n8n ready in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------------------------------
# Owner and API key
# ---------------------------------------------------------------------------------------------

# Calls n8n's internal REST API (/rest) with the owner's session cookie; prints the body, fails on a non-2xx.
rest() {
  local method="$1" path="$2" body="${3:-}" out status
  local args=(-sS --max-time 30 -X "$method" -b "$n8n_root/cookies" -c "$n8n_root/cookies" -H 'content-type: application/json'
    -o "$n8n_root/rest-response" -w '%{http_code}' "$(base_url)/rest$path")
  [[ -n "$body" ]] && args+=(--data "$body")
  status="$(curl "${args[@]}")" || return 1
  out="$(cat "$n8n_root/rest-response")"
  rm -f "$n8n_root/rest-response"
  if [[ "$status" != 2* ]]; then
    printf '%s %s answered %s: %s\n' "$method" "$path" "$status" "$out" >&2
    return 1
  fi
  printf '%s' "$out"
}

api_key_works() {
  [[ -s "$api_key_file" ]] || return 1
  curl -fsS -o /dev/null --max-time 10 -H "X-N8N-API-KEY: $(cat "$api_key_file")" "$(base_url)/api/v1/workflows?limit=1"
}

ensure_owner_and_key() {
  api_key_works && { say "reusing the API key in $api_key_file"; return 0; }
  rm -f "$n8n_root/cookies"
  local owner
  owner="$(jq -n --arg email "$owner_email" --arg password "$owner_password" \
    '{email: $email, firstName: "Allixios", lastName: "Tests", password: $password}')"
  # The first start has no owner yet: setting it up also logs in. Later starts log in.
  if rest POST /owner/setup "$owner" >/dev/null 2>"$n8n_root/setup-error"; then
    say "created the owner $owner_email"
  elif ! rest POST /login "$(jq -n --arg email "$owner_email" --arg password "$owner_password" \
      '{emailOrLdapLoginId: $email, password: $password}')" >/dev/null; then
    sed 's/^/[n8n]   /' "$n8n_root/setup-error" >&2
    die "could neither set up n8n's owner nor log in as $owner_email (is $home_dir from another setup? delete it to start afresh)"
  fi
  rm -f "$n8n_root/setup-error"

  # Every scope the owner's role may give a key, so the tests can use the whole public API.
  # n8n 2.8.4's body: a label of 1-50 characters, scopes, and expiresAt in Unix seconds or null (never expires).
  local scopes key
  scopes="$(rest GET /api-keys/scopes | jq -c '.data')" || die "could not read the API key scopes from n8n"
  key="$(rest POST /api-keys "$(jq -n --argjson scopes "$scopes" --arg name "allixios-tests-$(date +%s)" \
    '{"label": $name, "scopes": $scopes, "expiresAt": null}')" | jq -r '.data.rawApiKey // empty')" \
    || die "could not create an API key in n8n"
  [[ -n "$key" ]] || die "n8n created an API key but did not return it"
  (umask 077 && printf '%s' "$key" >"$api_key_file")
  api_key_works || die "n8n refused the API key it just created"
  say "created an API key for the public API"
}

write_env() {
  touch "$env_file"
  sed -i '/^export ALLIXIOS_TEST_N8N_/d' "$env_file"
  cat >>"$env_file" <<EOF
export ALLIXIOS_TEST_N8N_URL='$(base_url)'
export ALLIXIOS_TEST_N8N_API_KEY='$(cat "$api_key_file")'
export ALLIXIOS_TEST_N8N_CLI='$cli'
EOF
  say "n8n settings added to $env_file"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

cmd_start() {
  local t0=$SECONDS
  command -v curl >/dev/null && command -v jq >/dev/null || die "curl and jq are needed (Debian: apt-get install curl jq)"
  cmd_install
  build_node_package
  if n8n_pid >/dev/null && http_ok "$(base_url)/rest/settings" \
      && [[ -z "${ALLIXIOS_N8N_PORT:-}" || "${ALLIXIOS_N8N_PORT}" == "$(setting N8N_PORT)" ]] \
      && [[ "$(dist_hash)" == "$(cat "$n8n_root/started-with" 2>/dev/null)" ]]; then
    say "n8n already running on $(base_url) with this build of the node package"
  else
    # n8n reads its extensions at start: a rebuilt node package, or another port, needs a restart.
    n8n_pid >/dev/null && cmd_stop
    start_server
    dist_hash >"$n8n_root/started-with"
  fi
  ensure_owner_and_key
  write_env
  say "n8n ready at $(base_url) in $((SECONDS - t0))s"
}

cmd_stop() {
  local pid
  [[ -f "$env_file" ]] && sed -i '/^export ALLIXIOS_TEST_N8N_/d' "$env_file"
  if pid="$(n8n_pid)"; then
    say "stopping n8n"
    # The whole process group: the server and its task runners.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 300; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "n8n did not stop within 30s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    say "n8n not running"
  fi
  rm -f "$pidfile" "$n8n_root/started-with"
}

cmd_status() {
  local pid
  if pid="$(n8n_pid)"; then
    say "n8n: running on $(base_url) (pid $pid, data $home_dir)"
  else
    say "n8n: stopped"
    return 3
  fi
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    install | start | stop | status) ;;
    *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
  esac
  [[ "$services_dir" != *"'"* && "$repo_dir" != *"'"* ]] || die "the services folder and the repository path must not contain a single quote"
  mkdir -p "$n8n_root" "$log_dir"
  "cmd_$cmd"
}

main "$@"
