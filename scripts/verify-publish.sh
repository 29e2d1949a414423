#!/usr/bin/env bash
# Publishes the runtime the way the Dockerfile does and shows that the published app works as the container would.
# It must start with the image's Kestrel settings, report ready on /health/ready, pass the container HEALTHCHECK
# verb, answer gRPC over cleartext HTTP/2, and stop cleanly on SIGTERM (what `docker stop` sends).
#
#   scripts/verify-publish.sh
#
# Differences from the container, so it can run beside anything else on this machine: the endpoints bind
# 127.0.0.1 on free ports instead of 0.0.0.0:8080/8081, and it runs as the current user. Without
# ALLIXIOS__POSTGRES__CONNECTIONSTRING / ALLIXIOS__REDIS__CONFIGURATION in the environment, the runtime starts
# in its embedded mode; set them to check production mode.
#
# Output: artifacts/publish (the published app) and artifacts/verify-publish/runtime.log.
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$repo_dir/src/Allixios.Runtime/Allixios.Runtime.csproj"
out="$repo_dir/artifacts/publish"
log_dir="$repo_dir/artifacts/verify-publish"
log="$log_dir/runtime.log"
ready_timeout_s="${ALLIXIOS_READY_TIMEOUT_S:-60}"
stop_timeout_s=15

say() { printf '[publish] %s\n' "$*"; }
fail() {
  printf '[publish] ERROR: %s\n' "$*" >&2
  if [[ -s "$log" ]]; then
    printf '[publish] last lines of %s:\n' "$log" >&2
    tail -n 40 "$log" | sed 's/^/[publish]   /' >&2
  fi
  exit 1
}

[[ -f "$project" ]] || fail "$project does not exist"
command -v curl >/dev/null || fail "curl is needed to probe the runtime"

# A loopback port nothing answers on. Another process could take it before the runtime binds it; then the
# runtime fails to start, and the error says so.
free_port() {
  local port attempt
  for attempt in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

runtime_pid=""
stop_runtime() {
  if [[ -n "$runtime_pid" ]] && kill -0 "$runtime_pid" 2>/dev/null; then
    kill -TERM "$runtime_pid" 2>/dev/null || true
    for _ in $(seq 1 $((stop_timeout_s * 10))); do
      kill -0 "$runtime_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$runtime_pid" 2>/dev/null || true
  fi
}
trap stop_runtime EXIT

# 1. Publish exactly as the Dockerfile's build stage does, into a clean folder.
say "publish $project -c Release -> ${out#"$repo_dir"/}"
rm -rf "$out"
dotnet publish "$project" -c Release -o "$out" -p:UseAppHost=false --nologo || fail "dotnet publish failed"
[[ -f "$out/Allixios.Runtime.dll" ]] || fail "the publish output has no Allixios.Runtime.dll (the Dockerfile's ENTRYPOINT and HEALTHCHECK need it)"

# 2. Start it from its folder (the image's WORKDIR) with the image's environment, on free loopback ports.
http_port="$(free_port)" || fail "found no free loopback port"
grpc_port="$(free_port)" || fail "found no free loopback port"
while [[ "$grpc_port" == "$http_port" ]]; do grpc_port="$(free_port)"; done
mkdir -p "$log_dir"
: >"$log"
say "start dotnet Allixios.Runtime.dll: HTTP/JSON on 127.0.0.1:$http_port (Http1), gRPC on 127.0.0.1:$grpc_port (Http2)"
# A plain command in the background (no subshell), so that $! is the dotnet process itself and signals reach it.
cd "$out"
env -u ASPNETCORE_URLS -u ASPNETCORE_ENVIRONMENT -u DOTNET_ENVIRONMENT \
  ASPNETCORE_HTTP_PORTS= \
  Kestrel__Endpoints__Http__Url="http://127.0.0.1:$http_port" \
  Kestrel__Endpoints__Http__Protocols=Http1 \
  Kestrel__Endpoints__Grpc__Url="http://127.0.0.1:$grpc_port" \
  Kestrel__Endpoints__Grpc__Protocols=Http2 \
  dotnet Allixios.Runtime.dll >"$log" 2>&1 &
runtime_pid=$!
cd "$repo_dir"

# 3. Wait for /health/ready to answer 200.
ready_url="http://127.0.0.1:$http_port/health/ready"
deadline=$((SECONDS + ready_timeout_s))
status=""
while true; do
  kill -0 "$runtime_pid" 2>/dev/null || fail "the runtime exited before it was ready"
  status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ready_url" || true)"
  [[ "$status" == "200" ]] && break
  ((SECONDS < deadline)) || fail "$ready_url did not answer 200 within ${ready_timeout_s}s (last status: ${status:-none})"
  sleep 0.5
done
say "$ready_url -> 200 after ~$((SECONDS - deadline + ready_timeout_s))s"

# 4. The container HEALTHCHECK command, against the same URL, and against a closed port (so it can fail too).
dotnet "$out/Allixios.Runtime.dll" healthcheck "$ready_url" >/dev/null \
  || fail "'dotnet Allixios.Runtime.dll healthcheck $ready_url' did not exit 0 (the Dockerfile's HEALTHCHECK)"
closed_port="$(free_port)" || fail "found no free loopback port"
if dotnet "$out/Allixios.Runtime.dll" healthcheck "http://127.0.0.1:$closed_port/health/ready" >/dev/null 2>&1; then
  fail "the healthcheck verb exited 0 for a port nothing listens on: a container could never turn unhealthy"
fi
say "healthcheck verb: exit 0 when ready, non-zero when nothing answers"

# 5. The gRPC port: cleartext HTTP/2 (prior knowledge), and a real gRPC call, grpc.health.v1.Health/Check with an
# empty request. The reply frame is 00 <4-byte length> <HealthCheckResponse>: 00000002 0801 is SERVING.
version="$(curl -s -o /dev/null -w '%{http_version}' --http2-prior-knowledge --max-time 5 "http://127.0.0.1:$grpc_port/health/ready" || true)"
[[ "$version" == "2" ]] || fail "the gRPC port did not answer cleartext HTTP/2 (got HTTP version '${version:-none}')"
grpc_headers="$log_dir/grpc-health.headers"
reply="$(printf '\x00\x00\x00\x00\x00' | curl -s --http2-prior-knowledge --max-time 5 -D "$grpc_headers" \
  -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @- \
  "http://127.0.0.1:$grpc_port/grpc.health.v1.Health/Check" | od -An -tx1 | tr -d ' \n' || true)"
grpc_status="$(tr -d '\r' <"$grpc_headers" | sed -n 's/^grpc-status: *//p' | tail -n 1)"
[[ "$grpc_status" == "0" ]] || fail "grpc.health.v1.Health/Check on the gRPC port failed (grpc-status '${grpc_status:-none}', reply bytes '${reply:-none}')"
case "$reply" in
  00000000020801) say "gRPC port: HTTP/2 cleartext, grpc.health.v1.Health/Check -> SERVING" ;;
  *) fail "grpc.health.v1.Health/Check did not answer SERVING (reply bytes '$reply'; 00000000020802 is NOT_SERVING, an empty message UNKNOWN)" ;;
esac

# 6. It listens on the configured loopback addresses only.
if command -v ss >/dev/null; then
  listening="$(ss -Hltnp 2>/dev/null | grep "pid=$runtime_pid," | awk '{print $4}' | sort -u | tr '\n' ' ' || true)"
  if [[ -n "$listening" ]]; then
    for address in $listening; do
      [[ "$address" == "127.0.0.1:$http_port" || "$address" == "127.0.0.1:$grpc_port" ]] \
        || fail "the runtime also listens on $address; only the two Kestrel endpoints were configured"
    done
    say "listening on: $listening"
  fi
fi

# 7. SIGTERM, as `docker stop` sends it: the host must stop within the grace period and exit 0.
say "stop (SIGTERM)"
kill -TERM "$runtime_pid"
exit_code=""
for _ in $(seq 1 $((stop_timeout_s * 10))); do
  if ! kill -0 "$runtime_pid" 2>/dev/null; then
    set +e
    wait "$runtime_pid"
    exit_code=$?
    set -e
    break
  fi
  sleep 0.1
done
[[ -n "$exit_code" ]] || fail "the runtime did not stop within ${stop_timeout_s}s of SIGTERM"
runtime_pid=""
[[ "$exit_code" == "0" ]] || fail "the runtime exited $exit_code on SIGTERM; a container stop should end it with 0"

say "ok: the published runtime started, was ready, passed its healthcheck verb, served gRPC over h2c and stopped cleanly (log: ${log#"$repo_dir"/})"
