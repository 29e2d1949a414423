#!/usr/bin/env bash
# The one command that runs every test of the repository on a machine of this kind, from a fresh clone:
#
#   scripts/test.sh
#
# 1. Installs (first run only) and starts PostgreSQL 15 + pgvector and Redis on loopback (scripts/test-services.sh),
#    and stops them again at the end, also on failure.
# 2. Builds the solution in Release and publishes the runtime exactly as the Dockerfile does (artifacts/publish);
#    the integration tests start that published runtime as a real process.
# 3. Runs every xunit project of Allixios.sln (trx results in artifacts/test-results).
# 4. Builds, lints and tests the n8n node package (scripts/test-node-package.sh; each node test counts).
# 5. Packs the NuGet packages into nuget/packages and builds and runs the quick-start sample against them
#    (scripts/build-packages.sh), and checks that the publish output starts and is ready (scripts/verify-publish.sh).
#
# Ends with one line "N passed, N failed" summing every suite (each script step counts as one test), and exits
# non-zero when anything failed. Reruns reuse installed servers, restored packages and built outputs.
set -uo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_dir"
results="$repo_dir/artifacts/test-results"
passed=0
failed=0

say() { printf '[test] %s\n' "$*"; }
finish() {
  printf '%s passed, %s failed\n' "$passed" "$failed"
  [[ "$failed" -eq 0 ]]
  exit $?
}
step() { # name command...: runs a step that counts as one test
  local name="$1"
  shift
  say "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    say "FAILED: $name"
    failed=$((failed + 1))
  fi
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! scripts/test-services.sh start; then
  say "FAILED: the test services did not start"
  failed=$((failed + 1))
  finish
fi
trap 'scripts/test-services.sh stop >/dev/null 2>&1 || true' EXIT
# shellcheck source=/dev/null
source "${ALLIXIOS_SERVICES_DIR:-$repo_dir/.services}/env"

say "build Allixios.sln (Release)"
if ! dotnet build Allixios.sln -c Release --nologo -v quiet -clp:ErrorsOnly; then
  say "FAILED: the build"
  failed=$((failed + 1))
  finish
fi

say "publish the runtime as the Dockerfile does"
if ! dotnet publish src/Allixios.Runtime/Allixios.Runtime.csproj -c Release -o artifacts/publish -p:UseAppHost=false --nologo -v quiet -clp:ErrorsOnly; then
  say "FAILED: the runtime publish"
  failed=$((failed + 1))
  finish
fi
export ALLIXIOS_TEST_RUNTIME_DLL="$repo_dir/artifacts/publish/Allixios.Runtime.dll"

rm -rf "$results"
mkdir -p "$results"
say "xunit: every test project of Allixios.sln"
dotnet test Allixios.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
test_exit=$?

trx_count=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  trx_count=$((trx_count + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
done
expected_projects="$(grep -c '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | awk -F: '$2 > 0' | wc -l)"
if [[ "$trx_count" -lt "$expected_projects" ]]; then
  say "FAILED: only $trx_count of $expected_projects test projects reported results (a test host crashed?)"
  failed=$((failed + expected_projects - trx_count))
elif [[ "$test_exit" -ne 0 && "$failed" -eq 0 ]]; then
  say "FAILED: dotnet test exited $test_exit without a failed test"
  failed=$((failed + 1))
fi

# The n8n node package: its build and lint count as one test each, and every node unit test as one.
say "n8n node package: build, lint and node tests (scripts/test-node-package.sh)"
node_output="$(scripts/test-node-package.sh)"
printf '%s\n' "$node_output"
node_summary="$(tail -n 1 <<<"$node_output")"
node_passed="$(sed -n 's/^node-package: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$node_summary")"
node_failed="$(sed -n 's/^node-package: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$node_summary")"
if [[ -n "$node_passed" && -n "$node_failed" ]]; then
  passed=$((passed + node_passed))
  failed=$((failed + node_failed))
else
  say "FAILED: scripts/test-node-package.sh reported no counts"
  failed=$((failed + 1))
fi

step "NuGet packages and the quick-start sample that consumes them" scripts/build-packages.sh
step "the publish output starts, is ready and stops cleanly" scripts/verify-publish.sh

finish
