#!/usr/bin/env bash
# The C consumer tests of libtsthinlic.so (src/TsThinLic.Native): publishes the library for a runtime, checks the
# package a C project gets (library, header, pkg-config file, soname, exports = header), compiles the C tests with
# cc -std=c99 -Wall -Wextra -Werror -pedantic (and the header as C++), runs them, and ends with one line
# "native: N passed, N failed, N skipped" (tests/run.sh adds it to the project's count).
#
#   tests/native/run.sh [--rid linux-x64|linux-arm64] [--asan] [--lib DIR]
#
#   --rid     linux-x64 (default) runs natively; linux-arm64 cross-compiles (aarch64-linux-gnu-gcc) and runs under
#             qemu-user (qemu-aarch64 -L /usr/aarch64-linux-gnu), as .ci/run does with the host binary.
#   --asan    x64 only: the C side built with -fsanitize=address,undefined; any sanitizer report fails the run.
#   --lib     a directory the library was already published to (else: artifacts/native/RID, published here).
#
# AddressSanitizer and the .NET runtime inside the library (only the C side is instrumented; the library is not):
# the runtime installs its own SIGSEGV handler when it starts (it turns a fault in managed code into an exception)
# over ASan's, which ASan allows (allow_user_segv_handler=1, its default, set explicitly) and which hands faults
# outside managed code on to the previous handler, ASan's. Nothing else needed a setting: the runtime's virtual
# reservations and its GC heap are mmap'd, outside ASan's allocator. Its one-time bookkeeping mallocs are never freed,
# by design (88 bytes measured, the same after 1, 10 or 100 threads), so LeakSanitizer is told to ignore allocations
# made inside libtsthinlic.so (tests/native/lsan.supp) and checks everything the C side allocates. UBSan stops at its
# first report (-fno-sanitize-recover=all); any "Sanitizer" or "runtime error:" on stderr fails the program.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

rid=linux-x64
asan=0
lib=
while [ $# -gt 0 ]; do
    case "$1" in
        --rid) rid=${2:?--rid needs linux-x64 or linux-arm64}; shift 2 ;;
        --asan) asan=1; shift ;;
        --lib) lib=${2:?--lib needs a directory}; shift 2 ;;
        *) echo "usage: tests/native/run.sh [--rid linux-x64|linux-arm64] [--asan] [--lib DIR]" >&2; exit 2 ;;
    esac
done
case "$rid" in
    linux-x64|linux-arm64) ;;
    *) echo "tests/native/run.sh: --rid linux-x64 or linux-arm64, not $rid" >&2; exit 2 ;;
esac
if [ "$asan" = 1 ] && [ "$rid" != linux-x64 ]; then
    echo "tests/native/run.sh: --asan runs natively on linux-x64 only" >&2; exit 2
fi

passed=0; failed=0; skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
finish() {
    echo "native: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
    exit
}

# The toolchain: installed with apt when missing (CI runs as root on a clean Debian 12).
need=(gcc g++ libc6-dev pkg-config binutils)
[ "$rid" = linux-arm64 ] && need+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    for p in "${missing[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || { fail "toolchain: $p is not installed (run as root to install it)"; finish; }; done
fi

out=${lib:-artifacts/native/$rid}
out=$(mkdir -p "$out" && cd "$out" && pwd)
bin=$root/artifacts/native/$rid-tests
rm -rf "$bin"
mkdir -p "$bin/work"

if [ -z "$lib" ]; then
    log=$root/artifacts/native/publish-$rid.log
    start=$(date +%s)
    # With the ILC map file, which tests/native/native-size-rss.sh reads for its size breakdown.
    if ! dotnet publish src/TsThinLic.Native -r "$rid" -c Release --nologo -o "$out" -p:TsThinLicSizeReport=true >"$log" 2>&1; then
        cat "$log"; fail "publish $rid"; finish
    fi
    if grep -E 'warning (IL|AOT)[0-9]+' "$log"; then
        fail "publish $rid: trim/AOT warnings (above)"
    else
        pass "publish $rid with no trim/AOT warning ($(($(date +%s) - start)) s)"
    fi
fi

# --- The package a C project gets ---
so=$out/libtsthinlic.so
header=$out/include/tsthinlic.h
if [ -f "$so" ] && [ -f "$header" ] && [ -f "$out/tsthinlic.pc" ]; then
    pass "package: libtsthinlic.so $(stat -c %s "$so") bytes, include/tsthinlic.h, tsthinlic.pc"
else
    fail "package: libtsthinlic.so, include/tsthinlic.h and tsthinlic.pc are not all in $out"; finish
fi
if readelf -d "$so" | grep -q 'Library soname: \[libtsthinlic.so\]'; then
    pass "package: soname libtsthinlic.so (programs load what they linked)"
else
    fail "package: the soname is not libtsthinlic.so"
fi
declared=$(grep -oE '\btsthinlic_[a-z_]+\(' "$header" | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$so" | awk '$2 == "T" && $3 ~ /^tsthinlic_/ { sub(/@.*/, "", $3); print $3 }' | sort -u)
if [ -n "$declared" ] && [ "$declared" = "$exported" ]; then
    pass "package: the library exports exactly the $(echo "$declared" | wc -l) functions the header declares"
else
    fail "package: exports and header differ: $(diff <(echo "$declared") <(echo "$exported") | grep '^[<>]' | tr '\n' ' ')"
fi
pc=$(PKG_CONFIG_PATH=$out pkg-config --cflags --libs tsthinlic 2>&1)
if [ "$pc" = "-I$out/include -L$out -ltsthinlic" ] || [ "$pc" = "-I$out/include -L$out -ltsthinlic " ]; then
    pass "package: pkg-config --cflags --libs tsthinlic (relocatable: $pc)"
else
    fail "package: pkg-config gives '$pc'"
fi
printf '#include <tsthinlic.h>\nint main(void) { return tsthinlic_abi_version() == TSTHINLIC_ABI_VERSION ? 0 : 1; }\n' >"$bin/header.c"
if cc -std=c99 -Wall -Wextra -Werror -pedantic -I"$out/include" -c "$bin/header.c" -o "$bin/header.o" \
    && c++ -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c++ "$header" \
    && c++ -std=c++11 -Wall -Wextra -Werror -pedantic -I"$out/include" -fsyntax-only -x c++ "$bin/header.c"; then
    pass "header: C99 and C++11, -Wall -Wextra -Werror -pedantic"
else
    fail "header: does not compile cleanly as C99 and C++11 (above)"
fi

# --- The C tests ---
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -pthread -O1 -g -I"$out/include" -Itests/native)
run=()
if [ "$rid" = linux-arm64 ]; then
    cc=aarch64-linux-gnu-gcc
    ldflags=(-L"$out" -ltsthinlic)
    run=(qemu-aarch64 -L /usr/aarch64-linux-gnu -E "LD_LIBRARY_PATH=$out")
else
    cc=cc
    ldflags=(-L"$out" -ltsthinlic -Wl,-rpath,"$out")
fi
if [ "$asan" = 1 ]; then
    cflags+=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    export ASAN_OPTIONS=detect_leaks=1:allow_user_segv_handler=1:halt_on_error=1
    export LSAN_OPTIONS=suppressions=$root/tests/native/lsan.supp:print_suppressions=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
compiled=1
compile() {
    local name=$1; shift
    if ! "$cc" "${cflags[@]}" -o "$bin/$name" "$@" "${ldflags[@]}" 2>"$bin/$name.cc.log"; then
        cat "$bin/$name.cc.log"; fail "compile $name (cc -std=c99 -Wall -Wextra -Werror -pedantic)"; compiled=0
    fi
}
common=(tests/native/replayer.c tests/native/transcript.c)
compile replay tests/native/replay.c "${common[@]}"
compile powercut tests/native/powercut.c tests/native/nor.c "${common[@]}"
compile boundary tests/native/boundary.c tests/native/nor.c "${common[@]}"
compile exchange_once tests/native/exchange_once.c "${common[@]}"
[ "$compiled" = 1 ] && pass "compile the C tests for $rid$([ "$asan" = 1 ] && echo ' with -fsanitize=address,undefined')"

# Runs a test program; counts its PASS/FAIL/SKIP lines; a crash, a sanitizer report or a failing exit without a FAIL
# line is a failure of its own. $1 is a name, the rest the command.
program() {
    local name=$1; shift
    local output=$bin/$name.out errors=$bin/$name.err rc
    timeout 900 "${run[@]}" "$@" >"$output" 2>"$errors"
    rc=$?
    cat "$output"
    passed=$((passed + $(grep -c '^PASS ' "$output")))
    failed=$((failed + $(grep -c '^FAIL ' "$output")))
    skipped=$((skipped + $(grep -c '^SKIP ' "$output")))
    if grep -qE 'Sanitizer|runtime error:' "$errors"; then
        head -40 "$errors"; fail "$name: sanitizer report (above)"
    elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$output"; then
        tail -20 "$errors"; fail "$name: exit $rc without a FAIL line (a crash?)"
    fi
}

if [ -x "$bin/replay" ]; then
    program replay "$bin/replay" fixtures/transcripts/*.transcript fixtures/native/lifecycle.transcript
    # The negative control: one hex digit of the first client PDU changed, and the replay must say so.
    awk 'prev == "client" && !done { c = substr($0, 10, 1); $0 = substr($0, 1, 9) (c == "0" ? "1" : "0") substr($0, 11); done = 1 } { prev = $0; print }' \
        fixtures/transcripts/new-license-with-challenge.transcript >"$bin/work/changed.transcript"
    if timeout 300 "${run[@]}" "$bin/replay" "$bin/work/changed.transcript" >"$bin/changed.out" 2>&1; then
        fail "replay: a transcript with a changed client byte passed (the comparison cannot fail)"
    elif grep -q '^FAIL .*differs from the transcript' "$bin/changed.out"; then
        pass "replay: a changed client byte is reported ($(grep -o 'at byte [0-9]*' "$bin/changed.out"))"
    else
        cat "$bin/changed.out"; fail "replay: a changed byte gave no difference report"
    fi
fi

if [ -x "$bin/powercut" ]; then
    # Every distinct geometry of hardware/*.json; a profile without a flash partition (FTL media, file backend) gets
    # a 64 KiB one, as the managed sweep gives it.
    declare -A geometries=()
    for profile in hardware/*.json; do
        value() { sed -n "s/.*\"$1\": *\"\\{0,1\\}\\([0-9A-Za-z]*\\).*/\\1/p" "$profile" | head -n 1; }
        pu=$(value programUnit); eu=$(value eraseUnit); ev=$(value eraseValue); size=65536
        [ "$(value backend)" = flash ] && size=$(value size)
        [ -n "$pu" ] && [ -n "$eu" ] && [ -n "$ev" ] || { fail "powercut: no geometry in $profile"; continue; }
        key="$pu $eu $ev $size"
        geometries[$key]="${geometries[$key]:+${geometries[$key]},}$(basename "$profile" .json)"
    done
    for key in "${!geometries[@]}"; do
        read -r pu eu ev size <<<"$key"
        label="${pu}/${eu}/0x$(printf %02x "$ev")/${size}B[${geometries[$key]}]"
        program "powercut-$pu-$eu" "$bin/powercut" "$label" "$pu" "$eu" "$ev" "$size" fixtures/native/lifecycle.transcript
    done
    if timeout 300 "${run[@]}" "$bin/powercut" lossy 1 4096 255 131072 fixtures/native/lifecycle.transcript --lossy-driver >"$bin/lossy.out" 2>&1; then
        fail "powercut: a driver that loses programs passed the sweep (it cannot fail)"
    else
        pass "powercut: a driver that loses programs fails the sweep"
    fi
fi

if [ -x "$bin/boundary" ]; then
    program boundary "$bin/boundary" fixtures/transcripts/new-license-with-challenge.transcript "$bin/work" hardware/winbond-w25q128jv-spi-nor.json
fi

# The README's "Use from C" example: compiled as a C project would (pkg-config) and run.
sed -n '/<!-- use-from-c/,/<!-- \/use-from-c/p' README.md | sed '1,2d;$d' | sed '$d' >"$bin/license.c"
if [ -s "$bin/license.c" ] && "$cc" "${cflags[@]}" "$bin/license.c" -o "$bin/license" $(PKG_CONFIG_PATH=$out pkg-config --cflags --libs tsthinlic) \
    $([ "$rid" = linux-x64 ] && echo "-Wl,-rpath,$out") 2>"$bin/license.cc.log" \
    && timeout 300 "${run[@]}" "$bin/license" "file:$bin/work/readme.store" >/dev/null 2>"$bin/license.err" \
    && ! timeout 300 "${run[@]}" "$bin/license" >/dev/null 2>&1; then
    pass "README: the Use from C example compiles with pkg-config and runs"
else
    cat "$bin/license.cc.log" "$bin/license.err" 2>/dev/null; fail "README: the Use from C example does not compile or run"
fi

finish
