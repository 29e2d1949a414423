#!/usr/bin/env bash
# Builds, lints and tests the n8n community node package (src/Allixios.N8nBridge/n8n-nodes-allixios):
#
#   scripts/test-node-package.sh
#
# 1. Installs its dev dependencies with `npm ci`, only when node_modules is missing or package-lock.json changed
#    since the last install (its hash is kept in node_modules/.package-lock.sha256).
# 2. Builds it (`n8n-node build`: tsc and the static files) and lints it (`n8n-node lint`, the scaffold's eslint).
# 3. Runs its unit tests with node's test runner (TAP reporter) on the compiled nodes.
#
# The last line is machine-readable: "node-package: N passed, N failed" where the build and the lint count as one
# test each and every node test as one. Exits non-zero when anything failed.
set -uo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package_dir="$repo_dir/src/Allixios.N8nBridge/n8n-nodes-allixios"
log_dir="$repo_dir/artifacts/test-results"
mkdir -p "$log_dir"
cd "$package_dir" || exit 1

passed=0
failed=0
say() { printf '[node-package] %s\n' "$*"; }
finish() {
  printf 'node-package: %s passed, %s failed\n' "$passed" "$failed"
  [[ "$failed" -eq 0 ]]
  exit $?
}
check() { # name log command...: runs a check that counts as one test; its output goes to the log, shown on failure
  local name="$1" log="$2"
  shift 2
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
  else
    say "FAILED: $name (output: $log)"
    sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" | tail -n 40
    failed=$((failed + 1))
    return 1
  fi
}

export CI=1 NO_COLOR=1 npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -d node_modules || "$(cat node_modules/.package-lock.sha256 2>/dev/null)" != "$lock_hash" ]]; then
  say "npm ci (package-lock.json changed or node_modules missing)"
  if ! npm ci --ignore-scripts >"$log_dir/node-package-install.log" 2>&1; then
    say "FAILED: npm ci (output: $log_dir/node-package-install.log)"
    tail -n 40 "$log_dir/node-package-install.log"
    failed=$((failed + 1))
    finish
  fi
  printf '%s\n' "$lock_hash" >node_modules/.package-lock.sha256
else
  say "node_modules matches package-lock.json"
fi

say "build (n8n-node build)"
check "build" "$log_dir/node-package-build.log" npx --no-install n8n-node build || finish
say "lint (n8n-node lint)"
check "lint" "$log_dir/node-package-lint.log" npx --no-install n8n-node lint

say "unit tests (node --test)"
tap="$log_dir/node-package.tap"
node --test --test-reporter=tap test/*.test.js >"$tap" 2>&1
test_exit=$?
count() { sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$tap" | tail -n 1; }
tests_passed="$(count pass)"
tests_failed="$(count fail)"
tests_cancelled="$(count cancelled)"
if [[ -z "$tests_passed" || -z "$tests_failed" ]]; then
  say "FAILED: the test runner reported no counts (output: $tap)"
  tail -n 40 "$tap"
  failed=$((failed + 1))
  finish
fi
passed=$((passed + tests_passed))
failed=$((failed + tests_failed + ${tests_cancelled:-0}))
if [[ "$tests_failed" -gt 0 ]]; then
  grep -E '^\s*not ok' "$tap" | sed 's/^/  /'
elif [[ "$test_exit" -ne 0 ]]; then
  say "FAILED: node --test exited $test_exit without a failed test (output: $tap)"
  failed=$((failed + 1))
fi
say "unit tests: $tests_passed passed, $tests_failed failed"
finish
