#!/usr/bin/env bash
# Our AOT probe against FreeRDP's xfreerdp (+auth-only), several runs each, against one xrdp 0.9.21 on loopback
# (default rdp-none: FreeRDP 2.11 salts its MACs, which xrdp rejects at crypt_level low/high, so only "none" lets
# both clients reach licensing with the verdict readable by tshark)
# with Standard RDP Security (licensing PDUs are readable on the wire, so tshark can find the verdict).
#   tests/TsThinLic.Benchmarks/probe-vs-freerdp.sh [RUNS]      (default 5; MODE=rdp-none|rdp-low|rdp-high|rdp-fips)
# Per run: wire time from the client's TCP SYN to the first server PDU after the licensing verdict
# (STATUS_VALID_CLIENT), from tshark timestamps; whole-process wall time and peak RSS from /usr/bin/time -v.
# Prints every run, the medians of both columns and the ratios. Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
mode=${MODE:-rdp-none}
probe=${PROBE:-artifacts/publish/linux-x64/tsthinlic}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need xfreerdp || ! need Xvfb || ! need tshark || [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq freerdp2-x11 xvfb tshark time >/dev/null
fi
if [ ! -x "$probe" ]; then
    dotnet publish src/TsThinLic.Host -r linux-x64 -c Release --nologo -v q -o "$(dirname "$probe")" >/dev/null
fi

work=$(mktemp -d /tmp/tsthinlic-bench.XXXXXX)
xvfb_pid=""
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    bash .ci/xrdp.sh stop "$work/xrdp" || true
    rm -rf "$work"
}
trap cleanup EXIT

TSTHINLIC_XRDP_BASE_PORT=${TSTHINLIC_XRDP_BASE_PORT:-48890} bash .ci/xrdp.sh start "$work/xrdp" >/dev/null
port=$(sed -n "s/^$mode=//p" "$work/xrdp/xrdp-ports.env")
case "$mode" in rdp-*) sec=rdp ;; *) echo "MODE must be an rdp-* mode (TLS hides the licensing PDUs from tshark)" >&2; exit 2 ;; esac

display=:$((90 + RANDOM % 9))
Xvfb "$display" -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1

# Wire time of one capture: SYN of the client to the first server data frame after the one carrying
# STATUS_VALID_CLIENT/ST_NO_TRANSITION (bMsgType 0xFF, preamble version 2 or 3, wMsgSize 0x10, 7, 2), or that
# frame itself when nothing follows.
wire_ms() {
    tshark -r "$1" -T fields -e frame.time_relative -e tcp.srcport -e tcp.flags.syn -e tcp.flags.ack -e tcp.len -e tcp.payload 2>/dev/null |
        awk -v port="$port" '
            $3 == 1 && $4 == 0 && syn == "" { syn = $1 }
            $2 == port && $5 > 0 {
                if (verdict != "" && after == "") { after = $1 }
                if (verdict == "" && $6 ~ /ff0[23]10000700000002000000/) { verdict = $1 }
            }
            END {
                end = (after != "") ? after : verdict
                if (syn == "" || end == "") { print "n/a" } else { printf "%.1f\n", (end - syn) * 1000 }
            }'
}

run_one() { # tool index
    local tool=$1 i=$2 pcap="$work/$1-$2.pcapng" timing="$work/$1-$2.time"
    dumpcap -q -i lo -f "tcp port $port" -w "$pcap" >/dev/null 2>&1 &
    local cap=$!
    sleep 1
    if [ "$tool" = probe ]; then
        /usr/bin/time -v -o "$timing" "$probe" probe "127.0.0.1:$port" --security rdp --timeout 10 >/dev/null 2>&1 || true
    else
        DISPLAY=$display /usr/bin/time -v -o "$timing" timeout 30 xfreerdp /v:127.0.0.1:"$port" /sec:"$sec" /u:probe /p:probe /cert:ignore +auth-only >/dev/null 2>&1 || true
    fi
    sleep 0.5
    kill "$cap" 2>/dev/null; wait "$cap" 2>/dev/null || true
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + p[k]; printf "%.0f", s * 1000 }' "$timing")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$timing")
    echo "$(wire_ms "$pcap") $wall $rss"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "n/a" } else if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }

echo "xrdp $(xrdp --version 2>&1 | sed -n 's/^xrdp //p' | head -1) on 127.0.0.1:$port ($mode), $runs runs each"
printf '%-8s %4s %12s %12s %12s\n' tool run wire_ms wall_ms rss_mb
for tool in probe freerdp; do
    : >"$work/$tool.results"
    for i in $(seq 1 "$runs"); do
        result=$(run_one "$tool" "$i")
        echo "$result" >>"$work/$tool.results"
        read -r w t r <<<"$result"
        printf '%-8s %4s %12s %12s %12s\n' "$tool" "$i" "$w" "$t" "$r"
    done
done

col() { awk -v c="$2" '$c != "n/a" { print $c }' "$work/$1.results" | median; }
echo
printf '%-22s %12s %12s %12s\n' "median" wire_ms wall_ms rss_mb
for tool in probe freerdp; do
    printf '%-22s %12s %12s %12s\n' "$tool" "$(col "$tool" 1)" "$(col "$tool" 2)" "$(col "$tool" 3)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == 0) print "n/a"; else printf "1/%.1f\n", b / a }'; }
printf '%-22s %12s %12s %12s\n' "probe/freerdp" "$(ratio "$(col probe 1)" "$(col freerdp 1)")" "$(ratio "$(col probe 2)" "$(col freerdp 2)")" "$(ratio "$(col probe 3)" "$(col freerdp 3)")"
