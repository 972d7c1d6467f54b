#!/usr/bin/env bash
# Runs every test. The keychain tests need a real Secret Service, so unless one is already
# running, the suite runs inside a private D-Bus session with an unlocked gnome-keyring.
# Ends with the line "N passed, N failed" (CI reads that, not vitest's own summary).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
# Every temporary folder of the run (the tests', the CLI processes', the servers') goes under one
# folder that is removed at the end, so a test that keeps its folder for a look cannot fill /tmp.
test_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ftb-tests.XXXXXX")
# mktemp makes it owner-only; Apache's workers (another user) must reach the folders it serves.
chmod 755 "$test_tmp"
export TMPDIR="$test_tmp"
trap 'rm -rf "$test_tmp"' EXIT
# Every server the tests start is on loopback: a proxy set for this machine (HTTPS_PROXY) must not
# carry their requests. The proxy tests set their own variables.
loopback=127.0.0.1,localhost,::1
export NO_PROXY="$loopback${NO_PROXY:+,$NO_PROXY}" no_proxy="$loopback${no_proxy:+,$no_proxy}"
report=test-results/vitest.json
rm -f "$report"

run_vitest() {
  npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@"
}

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  keyring_home=$(mktemp -d)
  mkdir -p -m700 "$keyring_home/data" "$keyring_home/run"
  export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
  export -f run_vitest
  export report
  dbus-run-session -- bash -c \
    'printf test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null && run_vitest "$@"' \
    run-tests "$@"
  status=$?
  rm -rf "$keyring_home"
else
  run_vitest "$@"
  status=$?
fi

node -e '
  const fs = require("node:fs")
  let r
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")) } catch {}
  // A file that failed to load has no test results of its own: count it as one failure.
  const broken = (r?.testResults ?? []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length
  const passed = r?.numPassedTests ?? 0
  const failed = r ? r.numFailedTests + broken : 1
  console.log(`${passed} passed, ${failed} failed`)
' "$report"
exit $status
