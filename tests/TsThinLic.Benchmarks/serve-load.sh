#!/usr/bin/env bash
# `tsthinlic serve` under load (issue 13): connections per second through licensing and the server's verdict with our
# probe as the client (the RdpProbe library of `tsthinlic probe`, many connections from one process: serve-load in
# TsThinLic.Benchmarks), one at a time and many at once, and serve's RSS under that load; then the hostile-client set
# held open all at once (200 silent connections, garbage after X.224, an oversize TPKT, slow writers, clients that
# vanish) while a good client is timed, and serve's RSS and pool books after it. (A client vanishing in the middle of
# licensing, after the platform challenge, needs a client that speaks RDP: LicenseServerListenerTests has it.)
#   tests/TsThinLic.Benchmarks/serve-load.sh [PATH/TO/tsthinlic]     (default artifacts/publish/linux-x64/tsthinlic)
# SECTIONS="throughput returning hostile" (the default) picks the parts.
# Ratios are against the one-at-a-time run of the same go (and the idle RSS of the same process). Ports
# ${SERVE_LOAD_PORT:-46700} and up on 127.0.0.1. Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/../.."
tsthinlic=${1:-artifacts/publish/linux-x64/tsthinlic}
base_port=${SERVE_LOAD_PORT:-46700}
n=${SERVE_LOAD_CONNECTIONS:-300}
sections=" ${SECTIONS:-throughput returning hostile} "
if [ ! -x "$tsthinlic" ]; then
    dotnet publish src/TsThinLic.Host -r linux-x64 -c Release --nologo -v q -o "$(dirname "$tsthinlic")" >/dev/null
fi
dotnet build tests/TsThinLic.Benchmarks -c Release --nologo -v q >/dev/null
load=(dotnet tests/TsThinLic.Benchmarks/bin/Release/net10.0/TsThinLic.Benchmarks.dll serve-load)

work=$(mktemp -d /tmp/tsthinlic-serve-load.XXXXXX)
serve_pid=
sampler_pid=
cleanup() {
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

rss_kib() { sed -n 's/^VmRSS:\s*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
hwm_kib() { sed -n 's/^VmHWM:\s*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

port=$base_port
start_serve() {
    port=$((port + 1))
    "$tsthinlic" serve --listen "127.0.0.1:$port" --json-log "$work/serve-$port.jsonl" "$@" >"$work/serve-$port.log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 100); do grep -q "serve: listening" "$work/serve-$port.log" 2>/dev/null && return 0; sleep 0.1; done
    cat "$work/serve-$port.log" >&2
    exit 1
}
stop_serve() {
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
    serve_pid=
}
# under_load OUT CMD...: CMD's output to OUT; prints the highest RSS serve reached meanwhile, sampled every 50 ms
# (VmHWM covers what the samples miss).
under_load() {
    local peak="$work/peak" out="$1"
    shift
    echo 0 >"$peak"
    (max=0; while kill -0 "$serve_pid" 2>/dev/null; do r=$(rss_kib "$serve_pid" || echo 0); [ "${r:-0}" -gt "$max" ] && max=$r && echo "$max" >"$peak"; sleep 0.05; done) &
    sampler_pid=$!
    "$@" >"$out" || true
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=
    cat "$peak" 2>/dev/null || echo 0
}

if [[ "$sections" == *" throughput "* ]]; then
echo "== throughput: $n connections per run, each a new device (platform challenge, CAL issued), then Demand Active"
printf '%-10s %-11s %10s %10s %8s %8s %10s %10s %8s\n' security concurrency conn/s ratio p50-ms p95-ms rss-idle rss-peak failed
for security in rdp tls; do
    start_serve --security "$security" --encryption 128 --pool 0 --max-connections 256
    idle=$(rss_kib "$serve_pid")
    baseline=
    for concurrency in 1 8 32; do
        peak=$(under_load "$work/load.json" "${load[@]}" "$port" "$security" "$n" "$concurrency")
        rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["perSecond"])' "$work/load.json")
        [ -z "$baseline" ] && baseline=$rate
        python3 - "$work/load.json" "$baseline" "$idle" "$peak" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f'{d["security"]:<10} {d["concurrency"]:<11} {d["perSecond"]:>10} {d["perSecond"] / float(sys.argv[2]):>10.2f} {d["p50Ms"]:>8} {d["p95Ms"]:>8} {int(sys.argv[3]) // 1024:>8}MiB {int(sys.argv[4]) // 1024:>8}MiB {d["failures"]:>8}' + (f'  first failure: {d["firstFailure"]}' if d["failures"] else ""))
PY
    done
    echo "   ($(wc -l <"$work/serve-$port.jsonl") JSON lines; serve's VmHWM $(( $(hwm_kib "$serve_pid") / 1024 )) MiB)"
    stop_serve
done
fi

if [[ "$sections" == *" returning "* ]]; then
echo "== returning devices: 8 workers, each presents its CAL (LICENSE_INFO) after its first connection"
start_serve --security rdp --encryption 128 --pool 0 --max-connections 256
"${load[@]}" "$port" rdp "$n" 8 returning
stop_serve
fi

[[ "$sections" == *" hostile "* ]] || exit 0

echo "== hostile-client set held open at once, then a good client (idle timeout 10 s, 256 slots)"
start_serve --security rdp --encryption 128 --pool 5 --max-connections 256 --state "$work/books.json"
idle=$(rss_kib "$serve_pid")
cat >"$work/hostile.py" <<'PY'
import socket, sys, time, threading
port = int(sys.argv[1])
cr = bytes.fromhex("0300002a25e00000000000436f6f6b69653a206d737473686173683d746573740d0a0100080003000000")
socks = []
def conn():
    s = socket.create_connection(("127.0.0.1", port)); socks.append(s); return s
for _ in range(200):                      # silent clients
    conn()
for _ in range(10):                       # garbage after the X.224 Connection Request
    s = conn(); s.sendall(cr); s.sendall(b"\x03\x00\xff\xff" + b"\x41" * 2000)
for _ in range(10):                       # oversize TPKT (declares 65535, sends it in full)
    s = conn(); s.sendall(b"\x03\x00\xff\xff" + b"\x00" * 65531)
slow = [conn() for _ in range(10)]        # slow writers: the Connection Request one byte every 200 ms
def drip():
    for b in cr:
        for s in slow:
            try: s.send(bytes([b]))
            except OSError: pass
        time.sleep(0.2)
threading.Thread(target=drip, daemon=True).start()
for _ in range(10):                       # vanish right after the Connection Request, before the answer
    s = socket.create_connection(("127.0.0.1", port)); s.sendall(cr); s.close()
print(len(socks), "hostile connections open", flush=True)
time.sleep(float(sys.argv[2]))
PY
python3 "$work/hostile.py" "$port" 13 >"$work/hostile.out" &
hostile_pid=$!
sleep 2
held=$(rss_kib "$serve_pid")
echo "hostile: $(cat "$work/hostile.out")"
echo "good client while they are open:"
"${load[@]}" "$port" rdp 5 1
echo "(the hostile clients stay until serve's idle timeout ends them)"
wait "$hostile_pid" || true
echo "vanishing: 20 clients gone right after connecting or after reading the Connection Confirm"
python3 - "$port" <<'PY'
import socket, sys
for i in range(20):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    if i % 2:
        s.sendall(bytes.fromhex("0300002a25e00000000000436f6f6b69653a206d737473686173683d746573740d0a0100080003000000"))
        s.settimeout(5)
        s.recv(64)
    s.close()
PY
sleep 3
after=$(rss_kib "$serve_pid")
"${load[@]}" "$port" rdp 20 4 >/dev/null
echo "rss: idle $((idle / 1024)) MiB, with 230 hostile connections open $((held / 1024)) MiB ($(python3 -c "print(round(($held - $idle) / 230, 1))") KiB each), after they timed out $((after / 1024)) MiB, VmHWM $(( $(hwm_kib "$serve_pid") / 1024 )) MiB"
python3 - "$work/serve-$port.jsonl" <<'PY'
import json, sys, collections
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("serve's JSON lines:", len(lines), "outcomes:", dict(collections.Counter(d.get("outcome", "?") for d in lines)))
print("failure reasons:", dict(collections.Counter(d["failure"]["reason"] for d in lines if isinstance(d.get("failure"), dict))))
PY
stop_serve
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("pool books after:", {k: (len(v) if isinstance(v, list) else v) for k, v in d.items()})' "$work/books.json" || true
