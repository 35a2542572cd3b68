#!/usr/bin/env bash
# The project's test command (README, .ci/run): builds and runs every test, then prints one plain summary line
# "N passed, N failed, N skipped" read from the TRX results, so any CI can count the run.
set -uo pipefail
cd "$(dirname "$0")/.."
results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# The probe's integration tests talk to real xrdp 0.9.21 servers on 127.0.0.1. Unless the caller started them
# (.ci/run does, and exports TSTHINLIC_XRDP_PORTS) or turned integration tests off (TSTHINLIC_INTEGRATION=off),
# start them here for this run (.ci/xrdp.sh installs xrdp with apt when it is missing) and stop them at the end.
if [ -z "${TSTHINLIC_XRDP_PORTS:-}" ] && [ "${TSTHINLIC_INTEGRATION:-on}" != off ]; then
    xrdp_state=$(mktemp -d /tmp/tsthinlic-xrdp.XXXXXX)
    trap 'bash .ci/xrdp.sh stop "$xrdp_state" >/dev/null 2>&1; rm -rf "$xrdp_state"' EXIT
    if bash .ci/xrdp.sh start "$xrdp_state"; then
        export TSTHINLIC_XRDP_PORTS="$xrdp_state/xrdp-ports.env"
    else
        echo "tests/run.sh: the xrdp servers did not start; the probe's integration tests will fail and say why" >&2
    fi
fi
# --- NLA server (issue 12) -------------------------------------------------------------------------------------------
# The NLA integration tests talk to freerdp-shadow-cli with /sec:nla (.ci/nla.sh: Xvfb, a SAM file, the server). Unless
# the caller started it (.ci/run does, and exports TSTHINLIC_NLA_SERVER) or integration tests are off, start it here and
# stop it at the end, after whatever the EXIT trap already does.
if [ -z "${TSTHINLIC_NLA_SERVER:-}" ] && [ "${TSTHINLIC_INTEGRATION:-on}" != off ]; then
    nla_state=$(mktemp -d /tmp/tsthinlic-nla.XXXXXX)
    nla_previous_trap=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
    trap "bash .ci/nla.sh stop '$nla_state' >/dev/null 2>&1; rm -rf '$nla_state'; $nla_previous_trap" EXIT
    if bash .ci/nla.sh start "$nla_state"; then
        export TSTHINLIC_NLA_SERVER="$nla_state/nla-server.env"
    else
        echo "tests/run.sh: the NLA server did not start; the NLA integration tests will fail and say why" >&2
    fi
fi
# --- end NLA server ---------------------------------------------------------------------------------------------------
dotnet test TsThinLic.sln -c Release --nologo \
    --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" "$@"
rc=$?

# --- C consumer tests (issue 10): libtsthinlic.so published for linux-x64, its C tests under AddressSanitizer ---
# tests/native/run.sh prints PASS/FAIL/SKIP lines and "native: N passed, N failed, N skipped", counted below.
# TSTHINLIC_NATIVE=off skips them (a machine without the C toolchain; CI never sets it).
native_rc=0
native_counts=
if [ "${TSTHINLIC_NATIVE:-on}" != off ]; then
    if [ "$(uname -m)" = x86_64 ]; then
        bash tests/native/run.sh --rid linux-x64 --asan >"$results/native.log" 2>&1
        native_rc=$?
        grep -E '^(FAIL|SKIP) ' "$results/native.log"
        native_counts=$(grep -E '^native: [0-9]+ passed' "$results/native.log" | tail -n 1)
        echo "${native_counts:-native: the C tests did not report (see $results/native.log)}"
        [ -n "$native_counts" ] || native_counts="native: 0 passed, 1 failed, 0 skipped"
    else
        native_counts="native: 0 passed, 0 failed, 1 skipped"
        echo "tests/run.sh: the C tests run on x86_64 (here $(uname -m)); skipped"
    fi
fi
# --- end of the C consumer tests ---

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
    skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ -n "$native_counts" ]; then
    native_get() { printf '%s' "$native_counts" | sed -n "s/.* \([0-9]*\) $1.*/\1/p"; }
    passed=$((passed + $(native_get passed))); failed=$((failed + $(native_get failed))); skipped=$((skipped + $(native_get skipped)))
    [ "$rc" -ne 0 ] || rc=$native_rc
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # The build or the test host failed before any result was written: count that as a failure, never as a pass.
    failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
