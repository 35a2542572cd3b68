#!/usr/bin/env bash
# CI: the fuzzing smoke (issue 11 part 5). Builds libfuzzer-dotnet and the instrumented targets, runs every fuzz
# target from its seeds for FUZZ_SECONDS (default 10) each, and fails on a crash (the input is then in
# tests/TsThinLic.Tests/FuzzRegressions/TARGET/ and artifacts/fuzz-ci/TARGET.log says why). The whole step is held
# to 5 minutes, the build included (the test run before it has already built the fuzz projects: they are in the
# solution, so the step only copies and instruments them).
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# Each target gets FUZZ_SECONDS, or less when the build was slow: run.sh shares what is left before the deadline.
# A target the deadline leaves no time for is reported as not run; only the hard stop at 5 minutes fails the step.
FUZZ_OUT=$PWD/artifacts/fuzz-ci FUZZ_PREBUILT=1 FUZZ_DEADLINE=$((start + 270)) timeout 300 bash tests/fuzz/run.sh all "${FUZZ_SECONDS:-10}"
status=$?
[ "$status" -eq 124 ] && echo "FAIL: the fuzz step went over 5 minutes"
echo "fuzz step: $(($(date +%s) - start)) s"
exit "$status"
