#!/usr/bin/env bash
# CI for libtsthinlic.so (issue 10), run by .ci/run after tests/run.sh, which published it for linux-x64 and ran its C
# tests natively under AddressSanitizer/UBSan (tests/native/run.sh --rid linux-x64 --asan). Here: the linux-arm64
# library, cross-published with zero trim/AOT warnings, its C tests cross-compiled and run under qemu-user; then the
# size and memory measurement with the budgets enforced.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

# The .so budget reached (3 MB, the issue's target; x64 measured 2,738,064 bytes, arm64 2,844,544) and the peak RSS
# of one new-license exchange by a C program (6 MB, the target; measured 5,324 KiB against 1,064 KiB for int main).
so_budget=3000000
rss_budget=6000000

if [ ! -f artifacts/native/linux-x64/libtsthinlic.so ]; then
    echo "== C tests, linux-x64 under ASan (tests/run.sh did not run them)"
    bash tests/native/run.sh --rid linux-x64 --asan | tail -n 1 || status=1
fi
echo "== C tests, linux-arm64 under qemu-user"
start=$(date +%s)
bash tests/native/run.sh --rid linux-arm64 >artifacts/native-arm64.log 2>&1 || status=1
grep -E '^(FAIL|SKIP) ' artifacts/native-arm64.log
echo "$(tail -n 1 artifacts/native-arm64.log) ($(($(date +%s) - start)) s)"

echo "== libtsthinlic.so size (budget $so_budget bytes) and peak RSS of one exchange (budget $rss_budget bytes)"
bash tests/native/native-size-rss.sh --budget "$so_budget" --rss-budget "$rss_budget" || status=1
exit "$status"
