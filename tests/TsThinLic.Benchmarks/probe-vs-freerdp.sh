#!/usr/bin/env bash
# Our AOT probe against FreeRDP's xfreerdp (+auth-only), several runs each, against one xrdp 0.9.21 on loopback
# (default rdp-none: FreeRDP 2.11 salts its MACs, which xrdp rejects at crypt_level low/high, so only "none" lets
# both clients reach licensing with the verdict readable by tshark)
# with Standard RDP Security (licensing PDUs are readable on the wire, so tshark can find the verdict).
#   tests/TsThinLic.Benchmarks/probe-vs-freerdp.sh [RUNS]      (default 5; MODE=rdp-none|rdp-low|rdp-high|rdp-fips)
# Per run: wire time from the client's TCP SYN to the first server PDU after the licensing verdict
# (STATUS_VALID_CLIENT), from tshark timestamps; whole-process wall time and peak RSS from /usr/bin/time -v.
# Prints every run, the medians of both columns and the ratios. Not part of the test run.
#
# Two more sections (issue 12), chosen with SECTIONS (default "licensing nla rtt"):
#   nla  probe --security nla vs xfreerdp /sec:nla +auth-only against the same freerdp-shadow-cli (.ci/nla.sh): wire time
#        (the client's SYN to the first FIN of the connection) and peak RSS, medians and ratios.
#   rtt  both clients through a TCP proxy on loopback that delays every chunk DELAY_MS (default 25) each way
#        (DelayingTcpProxy, `dotnet run --project tests/TsThinLic.Benchmarks -- proxy`): wire time / RTT = round trips,
#        against xrdp (tls, rdp-none) and freerdp-shadow (nla), beside the protocol minimum to the Demand Active PDU.
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
proxy_pid=""
sections=${SECTIONS:-licensing nla rtt}
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
    bash .ci/xrdp.sh stop "$work/xrdp" || true
    bash .ci/nla.sh stop "$work/nla" || true
    rm -rf "$work"
}
trap cleanup EXIT

TSTHINLIC_XRDP_BASE_PORT=${TSTHINLIC_XRDP_BASE_PORT:-48890} bash .ci/xrdp.sh start "$work/xrdp" >/dev/null
port=$(sed -n "s/^$mode=//p" "$work/xrdp/xrdp-ports.env")
case "$mode" in rdp-*) sec=rdp ;; *) echo "MODE must be an rdp-* mode (TLS hides the licensing PDUs from tshark)" >&2; exit 2 ;; esac

exec 8>"$work/display"
Xvfb -displayfd 8 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -s "$work/display" ] && break; sleep 0.1; done
exec 8>&-
display=:$(tr -d '\n' <"$work/display")

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
    echo "$(wire_ms "$pcap") $(time_fields "$timing")"
}

# "wall_ms rss_mb" of a /usr/bin/time -v report.
time_fields() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + p[k]; wall = s * 1000 }
                /Maximum resident set size/ { rss = $2 / 1024 }
                END { printf "%.0f %.1f\n", wall, rss }' "$1"
}


median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "n/a" } else if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a == 0) print "n/a"; else printf "1/%.1f\n", b / a }'; }

# Runs each client RUNS times as "COMMAND... TOOL RUN" (which prints "wire_ms wall_ms rss_mb") and prints every run, the
# medians and the ratios probe/freerdp.
compare() { # prefix label command...
    local prefix=$1 label=$2 tool i result w t r
    shift 2
    printf '%-8s %4s %12s %12s %12s\n' tool run wire_ms wall_ms rss_mb
    for tool in probe freerdp; do
        : >"$work/$prefix-$tool.results"
        for i in $(seq 1 "$runs"); do
            result=$("$@" "$tool" "$i")
            echo "$result" >>"$work/$prefix-$tool.results"
            read -r w t r <<<"$result"
            printf '%-8s %4s %12s %12s %12s\n' "$tool" "$i" "$w" "$t" "$r"
        done
    done
    col() { awk -v c="$2" '$c != "n/a" { print $c }' "$work/$prefix-$1.results" | median; }
    echo
    printf '%-22s %12s %12s %12s\n' "$label" wire_ms wall_ms rss_mb
    for tool in probe freerdp; do
        printf '%-22s %12s %12s %12s\n' "$tool" "$(col "$tool" 1)" "$(col "$tool" 2)" "$(col "$tool" 3)"
    done
    printf '%-22s %12s %12s %12s\n' "probe/freerdp" "$(ratio "$(col probe 1)" "$(col freerdp 1)")" "$(ratio "$(col probe 2)" "$(col freerdp 2)")" "$(ratio "$(col probe 3)" "$(col freerdp 3)")"
}

if [[ " $sections " == *" licensing "* ]]; then
    echo "xrdp $(xrdp --version 2>&1 | sed -n 's/^xrdp //p' | head -1) on 127.0.0.1:$port ($mode), $runs runs each"
    compare licensing median run_one
fi

# ---- issue 12: NLA beside FreeRDP, and round trips through a delaying proxy ----------------------------------------

# SYN of the client to the first FIN of the connection, in ms, on PORT, from a capture.
connection_ms() { # capture port
    tshark -r "$1" -T fields -e frame.time_relative -e tcp.srcport -e tcp.dstport -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.fin 2>/dev/null |
        awk -v port="$2" '
            $3 == port && $4 == 1 && $5 == 0 && syn == "" { syn = $1 }
            ($2 == port || $3 == port) && $6 == 1 && syn != "" && fin == "" { fin = $1 }
            END { if (syn == "" || fin == "") { print "n/a" } else { printf "%.1f\n", (fin - syn) * 1000 } }'
}

# One run of a client against 127.0.0.1:PORT with a capture; prints "wire_ms wall_ms rss_mb".
run_client() { # label tool port sec
    local label=$1 tool=$2 cport=$3 sec=$4 pcap="$work/$1.pcapng" timing="$work/$1.time"
    dumpcap -q -i lo -f "tcp port $cport" -w "$pcap" >/dev/null 2>&1 &
    local cap=$!
    sleep 1
    if [ "$tool" = probe ]; then
        if [ "$sec" = nla ]; then
            NLA_PASSWORD=$nla_password /usr/bin/time -v -o "$timing" "$probe" probe "127.0.0.1:$cport" --security nla --user "$nla_domain\\$nla_user" --password-env NLA_PASSWORD --timeout 20 >/dev/null 2>&1 || true
        else
            /usr/bin/time -v -o "$timing" "$probe" probe "127.0.0.1:$cport" --security "$sec" --timeout 20 >/dev/null 2>&1 || true
        fi
    else
        if [ "$sec" = nla ]; then
            DISPLAY=$display HOME="$work/home" /usr/bin/time -v -o "$timing" timeout 60 xfreerdp /v:127.0.0.1:"$cport" /sec:nla /u:"$nla_user" /d:"$nla_domain" /p:"$nla_password" /cert:ignore +auth-only >/dev/null 2>&1 || true
        else
            DISPLAY=$display HOME="$work/home" /usr/bin/time -v -o "$timing" timeout 60 xfreerdp /v:127.0.0.1:"$cport" /sec:"$sec" /u:probe /p:probe /cert:ignore +auth-only >/dev/null 2>&1 || true
        fi
    fi
    sleep 0.5
    kill "$cap" 2>/dev/null; wait "$cap" 2>/dev/null || true
    echo "$(connection_ms "$pcap" "$cport") $(time_fields "$timing")"
}

if [[ " $sections " == *" nla "* || " $sections " == *" rtt "* ]]; then
    command -v freerdp-shadow-cli >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq freerdp2-shadow-x11 >/dev/null
    TSTHINLIC_NLA_PORT=${TSTHINLIC_NLA_PORT:-$(( ${TSTHINLIC_XRDP_BASE_PORT:-48890} + 10 ))} bash .ci/nla.sh start "$work/nla" >/dev/null
    nla_port=$(sed -n 's/^port=//p' "$work/nla/nla-server.env")
    nla_user=$(sed -n 's/^user=//p' "$work/nla/nla-server.env")
    nla_domain=$(sed -n 's/^domain=//p' "$work/nla/nla-server.env")
    nla_password=$(sed -n 's/^password=//p' "$work/nla/nla-server.env")
    mkdir -p "$work/home"
fi

if [[ " $sections " == *" nla "* ]]; then
    echo
    echo "NLA: freerdp-shadow-cli $(dpkg-query -W -f '${Version}' freerdp2-shadow-x11) on 127.0.0.1:$nla_port (/sec:nla), $runs runs each"
    echo "(wire: the client's SYN to the first FIN; the probe stops at the Demand Active PDU, xfreerdp +auth-only goes on through activation)"
    nla_run() { run_client "nla-$1-$2" "$1" "$nla_port" nla; }
    compare nla "median (nla)" nla_run
fi

if [[ " $sections " == *" rtt "* ]]; then
    delay=${DELAY_MS:-25}
    rtt=$((2 * delay))
    proxy_port=$(( ${TSTHINLIC_XRDP_BASE_PORT:-48890} + 20 ))
    dotnet build tests/TsThinLic.Benchmarks -c Release --nologo -v q >/dev/null
    proxy_dll=tests/TsThinLic.Benchmarks/bin/Release/net10.0/TsThinLic.Benchmarks.dll
    tls_port=$(sed -n 's/^tls=//p' "$work/xrdp/xrdp-ports.env")
    none_port=$(sed -n 's/^rdp-none=//p' "$work/xrdp/xrdp-ports.env")
    echo
    echo "Round trips through a proxy delaying ${delay} ms each way (RTT ${rtt} ms): wire time / RTT, median of $runs runs"
    # The protocol minimum to the Demand Active PDU, one RTT per wait for the server (the proxy accepts the TCP
    # connection itself, so TCP's handshake is not delayed): X.224 1, [TLS 1.2 2], [CredSSP 2: NEGOTIATE -> CHALLENGE,
    # AUTHENTICATE + pubKeyAuth -> pubKeyAuth; authInfo goes out with the MCS Connect Initial], MCS Connect 1, Erect
    # Domain + Attach User 1, one per channel join (user + I/O channel: 2; none where the server lets the client skip
    # them), Client Info -> LICENSE_REQUEST 1 and NEW_LICENSE_REQUEST -> STATUS_VALID_CLIENT 1 with the Demand Active
    # behind it (xrdp), or Client Info -> STATUS_VALID_CLIENT + Demand Active 1 (freerdp-shadow licenses at once).
    printf '%-28s %10s %10s %10s %10s\n' target probe_rtts freerdp_rtts minimum probe/min
    for target in "xrdp-tls:$tls_port:tls:9" "xrdp-rdp-none:$none_port:rdp:7" "shadow-nla:$nla_port:nla:10"; do
        IFS=: read -r name tport sec minimum <<<"$target"
        dotnet "$proxy_dll" proxy "$proxy_port" "$tport" "$delay" >"$work/proxy.log" 2>&1 &
        proxy_pid=$!
        for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break; sleep 0.2; done
        : >"$work/rtt-probe.results"; : >"$work/rtt-freerdp.results"
        for i in $(seq 1 "$runs"); do
            for tool in probe freerdp; do
                read -r w _ _ <<<"$(run_client "rtt-$name-$tool-$i" "$tool" "$proxy_port" "$sec")"
                [ "$w" = n/a ] || awk -v w="$w" -v r="$rtt" 'BEGIN { printf "%.1f\n", w / r }' >>"$work/rtt-$tool.results"
            done
        done
        kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""
        p=$(median <"$work/rtt-probe.results"); f=$(median <"$work/rtt-freerdp.results")
        printf '%-28s %10s %10s %10s %10s\n' "$name" "$p" "$f" "$minimum" "$(awk -v p="$p" -v m="$minimum" 'BEGIN { if (p == "n/a") print "n/a"; else printf "%.2f\n", p / m }')"
    done
fi
