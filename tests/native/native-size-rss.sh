#!/usr/bin/env bash
# The size and memory of libtsthinlic.so, measured (issue 10 part 4; a benchmark, not a timed test):
#   - the .so for linux-x64 and linux-arm64, in bytes, against the budget, and what dominates it: the ILC map file's
#     nodes by kind, the managed code by assembly (and the core by namespace), and the ELF sections;
#   - the peak RSS (/usr/bin/time -v) of a C program doing one full new-license exchange (tests/native/exchange_once.c,
#     a file store) against a C "int main(void) { return 0; }" built and run the same way, in the same run, alternating,
#     five times each (the median), and where the exchange's resident pages are.
#
#   tests/native/native-size-rss.sh [--budget BYTES] [--rss-budget BYTES]
#
# Reads the libraries tests/native/run.sh published (artifacts/native/RID, with the map file it asks ILC for);
# publishes them itself when they are missing. With a budget, exits 1 when a library is over it (the .so size budget
# .ci/native.sh enforces) or the exchange's peak RSS is over --rss-budget.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

budget=
rss_budget=
while [ $# -gt 0 ]; do
    case "$1" in
        --budget) budget=${2:?}; shift 2 ;;
        --rss-budget) rss_budget=${2:?}; shift 2 ;;
        *) echo "usage: tests/native/native-size-rss.sh [--budget BYTES] [--rss-budget BYTES]" >&2; exit 2 ;;
    esac
done
status=0
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
[ -x /usr/bin/time ] || { echo "native-size-rss.sh: /usr/bin/time (Debian package time) is needed" >&2; exit 2; }
report=artifacts/native/size-rss.txt
mkdir -p artifacts/native
: >"$report"
say() { echo "$*" | tee -a "$report"; }

map_of() { echo "src/TsThinLic.Native/obj/Release/net10.0/$1/native/TsThinLic.Native.map.xml"; }

for rid in linux-x64 linux-arm64; do
    out=artifacts/native/$rid
    if [ ! -f "$out/libtsthinlic.so" ] || [ ! -f "$(map_of "$rid")" ]; then
        dotnet publish src/TsThinLic.Native -r "$rid" -c Release --nologo -o "$out" -p:TsThinLicSizeReport=true >"artifacts/native/publish-$rid-size.log" 2>&1 \
            || { cat "artifacts/native/publish-$rid-size.log"; say "FAIL: publish $rid"; status=1; continue; }
    fi
    size=$(stat -c %s "$out/libtsthinlic.so")
    say "== libtsthinlic.so $rid: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f MiB, %.2f MB", s / 1048576, s / 1000000 }'))"
    if [ -n "$budget" ] && [ "$size" -gt "$budget" ]; then
        say "FAIL: libtsthinlic.so $rid is over the budget of $budget bytes"; status=1
    fi
    say "   ELF sections (bytes; .bss and .hydrated take no file space):"
    size -A "$out/libtsthinlic.so" | awk '$1 ~ /^\./ || $1 ~ /^__/ { if ($2 > 16384) printf "     %-20s %9d\n", $1, $2 }' | sort -k2 -n -r | tee -a "$report"
    map=$(map_of "$rid")
    if [ -f "$map" ]; then
        say "   ILC map ($map), bytes:"
        awk '
            match($0, /^ *<[A-Za-z]+ Name="/) {
                kind = substr($0, RSTART, RLENGTH); gsub(/[ <]|Name="/, "", kind)
                if (match($0, /Length="[0-9]+"/)) { len = substr($0, RSTART + 8, RLENGTH - 9) + 0; bykind[kind] += len; total += len }
                if (kind == "MethodCode") {
                    match($0, /Name="[^"]*"/); name = substr($0, RSTART + 6, RLENGTH - 7)
                    owner = "other (generic instantiations, compiler-generated)"
                    n = split("TsThinLic_Native_:TsThinLic.Native (the C layer)|TsThinLic_TsThinLic_:TsThinLic (the core)|BouncyCastle_Cryptography_:BouncyCastle.Cryptography|S_P_CoreLib_:System.Private.CoreLib (runtime library)|S_P_TypeLoader_:System.Private.TypeLoader|S_P_Reflection_:System.Private.Reflection|System_Text_Json_:System.Text.Json|System_Linq_:System.Linq|System_Collections_:System.Collections|Microsoft_Extensions_Logging_Abstractions_:Microsoft.Extensions.Logging.Abstractions|System_IO_Hashing_:System.IO.Hashing|System_Text_Encodings_Web_:System.Text.Encodings.Web|System_Memory_:System.Memory", table, "|")
                    for (i = 1; i <= n; i++) {
                        split(table[i], pair, ":")
                        if (index(name, pair[1]) == 1) { owner = pair[2]; break }
                    }
                    code[owner] += len
                    if (owner == "TsThinLic (the core)") { area = substr(name, 21); sub(/_.*/, "", area); core[area] += len }
                }
            }
            END {
                for (k in bykind) if (bykind[k] >= 16384) printf "1\t%d\t%s\n", bykind[k], k
                for (k in code) printf "2\t%d\t%s\n", code[k], k
                for (k in core) printf "3\t%d\tTsThinLic.%s\n", core[k], k
            }' "$map" | sort -t "$(printf '\t')" -k1,1n -k2,2nr | awk -F '\t' '
                $1 != section { section = $1; print (section == 1 ? "   nodes by kind:" : section == 2 ? "   managed code (MethodCode) by assembly:" : "   the core code by namespace:") }
                { printf "     %-52s %9d\n", $3, $2 }' | tee -a "$report"
    else
        say "   (no ILC map: publish with -p:TsThinLicSizeReport=true for the breakdown)"
    fi
done

# --- Peak RSS of one new-license exchange against a C baseline, same build, same run ---
out=$root/artifacts/native/linux-x64
bin=$root/artifacts/native/rss
rm -rf "$bin"
mkdir -p "$bin"
if ! cc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -I"$out/include" -Itests/native -o "$bin/exchange_once" \
        tests/native/exchange_once.c tests/native/replayer.c tests/native/transcript.c -L"$out" -ltsthinlic -Wl,-rpath,"$out" \
    || ! cc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -o "$bin/baseline" tests/native/baseline.c; then
    say "FAIL: the RSS programs do not build"; exit 1
fi
transcript=fixtures/transcripts/new-license-with-challenge.transcript
peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): *//p'; }
exchange=(); baseline=()
for i in 1 2 3 4 5; do
    rm -f "$bin"/licenses.store*
    exchange+=("$(peak "$bin/exchange_once" "$transcript" "file:$bin/licenses.store")")
    baseline+=("$(peak "$bin/baseline")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
ex=$(median "${exchange[@]}"); base=$(median "${baseline[@]}")
rm -f "$bin"/licenses.store*
detail=$("$bin/exchange_once" "$transcript" "file:$bin/licenses.store" --memory-report | sed -n 's/^memory: //p')
say "== peak RSS, one new-license exchange (file store) vs int main(void) {}: ${ex} KiB vs ${base} KiB (+$((ex - base)) KiB; $(awk -v e="$ex" 'BEGIN { printf "%.2f MB", e * 1024 / 1000000 }'))"
say "   runs (KiB): exchange ${exchange[*]}; baseline ${baseline[*]}"
say "   where: $detail"
if [ -n "$rss_budget" ] && [ $((ex * 1024)) -gt "$rss_budget" ]; then
    say "FAIL: the exchange's peak RSS ($((ex * 1024)) bytes) is over $rss_budget bytes"; status=1
fi
exit "$status"
