#!/usr/bin/env bash
# Coverage-guided fuzzing (issue 11 part 5): SharpFuzz + libFuzzer over the decoders of outside bytes.
#
#   bash tests/fuzz/run.sh TARGET SECONDS [-- LIBFUZZER_FLAGS...]   one target for SECONDS (-runs=N among the flags
#   bash tests/fuzz/run.sh all SECONDS [-- LIBFUZZER_FLAGS...]      stops it after N executions instead); every target in turn
#   bash tests/fuzz/run.sh list                                      the targets
#
# Builds libfuzzer-dotnet (tests/fuzz/libfuzzer-dotnet.c) with Debian's clang and libclang-rt, builds the targets
# (tests/TsThinLic.Fuzzing.Runner), copies them to artifacts/fuzz/build and artifacts/fuzz/bin and instruments the
# copies of the core, Rdp and Replay assemblies there with the SharpFuzz tool (.config/dotnet-tools.json); the
# shipped build is never instrumented. Seeds come from fixtures/ (and ../shared when present) at run time; the
# corpus grows in artifacts/fuzz/corpus/TARGET. A crash is copied to tests/TsThinLic.Tests/FuzzRegressions/TARGET/,
# where the xunit suite replays it, and makes this script exit 1. Each target's log is artifacts/fuzz/TARGET.log and
# its figures (executions, exec/s, coverage at start and end) one line of artifacts/fuzz/summary.txt.
# FUZZ_OUT (default artifacts/fuzz) is where it builds and runs; FUZZ_NICE (default 10) is the niceness; FUZZ_HEAP_LIMIT (default 0x20000000, 512 MiB) caps the .NET target's heap.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=${FUZZ_OUT:-$root/artifacts/fuzz}
regressions=$root/tests/TsThinLic.Tests/FuzzRegressions
nice_level=${FUZZ_NICE:-10}

usage() { echo "usage: $0 TARGET|all SECONDS [-- LIBFUZZER_FLAGS...] | list" >&2; exit 2; }
[ $# -ge 1 ] || usage
what=$1; shift
seconds=0
if [ "$what" != list ]; then
    [ $# -ge 1 ] || usage
    seconds=$1; shift
fi
extra=()
if [ $# -gt 0 ]; then
    [ "$1" = -- ] || usage
    shift; extra=("$@")
fi

# Debian's clang with the libFuzzer runtime of the same version (libclang-rt-N-dev).
install_toolchain() {
    local major missing=()
    command -v clang >/dev/null 2>&1 || missing+=(clang)
    if [ "${#missing[@]}" -eq 0 ]; then
        major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
        dpkg -s "libclang-rt-$major-dev" >/dev/null 2>&1 || missing+=("libclang-rt-$major-dev")
    fi
    [ "${#missing[@]}" -eq 0 ] && return 0
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null || return 1
    if [[ " ${missing[*]} " == *" clang "* ]]; then
        major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
        dpkg -s "libclang-rt-$major-dev" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "libclang-rt-$major-dev" >/dev/null
    fi
}

build() {
    mkdir -p "$out"
    install_toolchain || { echo "FAIL: clang / libclang-rt could not be installed"; return 1; }
    if [ ! -x "$out/libfuzzer-dotnet" ] || [ tests/fuzz/libfuzzer-dotnet.c -nt "$out/libfuzzer-dotnet" ]; then
        clang -O2 -Wall -Wextra -Werror -fsanitize=fuzzer tests/fuzz/libfuzzer-dotnet.c -o "$out/libfuzzer-dotnet" || { echo "FAIL: libfuzzer-dotnet did not build"; return 1; }
    fi
    dotnet tool restore >/dev/null || { echo "FAIL: dotnet tool restore (SharpFuzz.CommandLine)"; return 1; }
    # A plain Release build (no -o: that would recompile every referenced project into a new output directory), so
    # the src projects tests/run.sh already built are reused; then copies: build/ as built, bin/ to instrument.
    # FUZZ_PREBUILT=1 (.ci/fuzz.sh, after the test run built the solution in Release) takes that build as it is.
    if [ "${FUZZ_PREBUILT:-0}" != 1 ] || [ ! -x tests/TsThinLic.Fuzzing.Runner/bin/Release/net10.0/TsThinLic.Fuzzing.Runner ]; then
        dotnet build tests/TsThinLic.Fuzzing.Runner -c Release --nologo -v q -warnaserror >"$out/build.log" 2>&1 \
            || { cat "$out/build.log"; echo "FAIL: the fuzz targets did not build"; return 1; }
    fi
    # Instrument a fresh copy: never the build output itself, never twice.
    rm -rf "$out/build" "$out/bin"
    cp -r tests/TsThinLic.Fuzzing.Runner/bin/Release/net10.0 "$out/build"
    cp -r "$out/build" "$out/bin"
    for assembly in TsThinLic TsThinLic.Rdp TsThinLic.Replay; do
        dotnet sharpfuzz "$out/bin/$assembly.dll" >>"$out/build.log" 2>&1 || { cat "$out/build.log"; echo "FAIL: sharpfuzz could not instrument $assembly.dll"; return 1; }
    done
}

targets() { "$out/bin/TsThinLic.Fuzzing.Runner" --list | cut -f1; }

# Runs one target; prints its summary line; returns 1 on a crash (or a target that did not run).
run_target() {
    local target=$1 max_len log seeds corpus crashes start end execs rate cov0 ft0 cov1 ft1 found status
    max_len=$("$out/bin/TsThinLic.Fuzzing.Runner" --list | awk -F'\t' -v t="$target" '$1 == t { print $2 }')
    [ -n "$max_len" ] || { echo "FAIL: no fuzz target '$target'"; return 1; }
    log=$out/$target.log
    seeds=$out/seeds/$target
    corpus=$out/corpus/$target
    crashes=$out/crashes/$target
    rm -rf "$seeds" "$crashes"
    mkdir -p "$seeds" "$corpus" "$crashes"
    "$out/build/TsThinLic.Fuzzing.Runner" --seeds "$target" "$seeds" >/dev/null || { echo "FAIL: $target has no seeds"; return 1; }
    start=$(date +%s)
    DOTNET_GCHeapHardLimit=${FUZZ_HEAP_LIMIT:-0x20000000} nice -n "$nice_level" "$out/libfuzzer-dotnet" \
        --target_path="$out/bin/TsThinLic.Fuzzing.Runner" --target_arg="$target" \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=0 -print_final_stats=1 \
        -artifact_prefix="$crashes/" ${extra[@]+"${extra[@]}"} "$corpus" "$seeds" >"$log" 2>&1
    status=$?
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    read -r cov0 ft0 < <(sed -n 's/.*INITED cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p' "$log" | head -n 1)
    read -r cov1 ft1 < <(grep -E '^#[0-9]+' "$log" | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p' | tail -n 1)
    found=0
    for crash in "$crashes"/*; do
        [ -f "$crash" ] || continue
        found=$((found + 1))
        mkdir -p "$regressions/$target"
        cp "$crash" "$regressions/$target/$(basename "$crash")"
    done
    # ft (libFuzzer's features) is the managed coverage: the edge map of the instrumented assemblies comes in as
    # extra counters, which count as features; cov counts only the driver's own C edges.
    line="$target: ${execs:-0} execs in $((end - start)) s, ${rate:-0} exec/s, features (ft) ${ft0:-?} -> ${ft1:-?}, cov ${cov0:-?} -> ${cov1:-?}, crashes $found"
    echo "$line" | tee -a "$out/summary.txt"
    if [ "$found" -gt 0 ] || { [ "$status" -ne 0 ] && [ -z "$execs" ]; }; then
        [ "$found" -gt 0 ] && echo "FAIL: $target crashed; the input is in tests/TsThinLic.Tests/FuzzRegressions/$target/ (log: $log)" \
            || { tail -n 30 "$log"; echo "FAIL: $target did not run (exit $status; log: $log)"; }
        grep -m 5 -E 'Exception|FuzzInvariant' "$log" || true
        return 1
    fi
    return 0
}

# FUZZ_SKIP_BUILD=1 reuses an instrumented build already in FUZZ_OUT (long offline runs, one target after another).
if [ "${FUZZ_SKIP_BUILD:-0}" = 1 ] && [ -x "$out/bin/TsThinLic.Fuzzing.Runner" ] && [ -x "$out/libfuzzer-dotnet" ]; then
    :
else
    built=$(date +%s)
    build || exit 1
    echo "fuzz build: $(($(date +%s) - built)) s"
fi
if [ "$what" = list ]; then
    "$out/bin/TsThinLic.Fuzzing.Runner" --list
    exit 0
fi

status=0
if [ "$what" = all ]; then
    # FUZZ_DEADLINE (epoch seconds, .ci/fuzz.sh sets it) shares the time left among the targets still to run, so that
    # every target runs (at least 3 s) and the step ends in time however long the build took.
    # The overhead of a target (seeds, starting libFuzzer and .NET, the initial corpus) is measured as it goes.
    list=($(targets))
    overhead=8
    for i in "${!list[@]}"; do
        budget=$seconds
        if [ -n "${FUZZ_DEADLINE:-}" ]; then
            if [ $((FUZZ_DEADLINE - $(date +%s))) -lt $((overhead + 2)) ]; then
                # A machine too loaded to run them all in time: said, not failed (a crash is what fails).
                echo "${list[$i]}: not run, the fuzz step's time is up" | tee -a "$out/summary.txt"
                continue
            fi
            left=$(((FUZZ_DEADLINE - $(date +%s)) / (${#list[@]} - i) - overhead))
            [ "$left" -lt "$budget" ] && budget=$((left > 2 ? left : 2))
        fi
        began=$(date +%s)
        seconds=$budget run_target "${list[$i]}" || status=1
        spent=$(($(date +%s) - began - budget))
        [ "$spent" -gt "$overhead" ] && overhead=$spent
    done
else
    run_target "$what" || status=1
fi
exit "$status"
