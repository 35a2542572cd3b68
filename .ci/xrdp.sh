#!/usr/bin/env bash
# Starts one xrdp 0.9.21 (Debian 12) per security mode on 127.0.0.1 for the probe's integration tests.
#   .ci/xrdp.sh start STATE_DIR   installs xrdp if needed, starts the servers, writes STATE_DIR/xrdp-ports.env
#   .ci/xrdp.sh stop STATE_DIR    stops every xrdp it started, by the PIDs it recorded
# The ports file (KEY=PORT lines: tls, rdp-none, rdp-low, rdp-high, rdp-fips) is what tests/…/Connection reads
# through TSTHINLIC_XRDP_PORTS. xrdp 0.10.1 and later skip licensing, so the version is checked.
set -euo pipefail

action=${1:?usage: xrdp.sh start|stop STATE_DIR}
state=${2:?usage: xrdp.sh start|stop STATE_DIR}
base_port=${TSTHINLIC_XRDP_BASE_PORT:-47890}

stop_all() {
    [ -f "$state/xrdp.pids" ] || return 0
    while read -r pid; do
        [ -n "$pid" ] || continue
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done <"$state/xrdp.pids"
    rm -f "$state/xrdp.pids"
}

if [ "$action" = stop ]; then
    stop_all
    exit 0
fi

mkdir -p "$state"
if ! command -v xrdp >/dev/null 2>&1; then
    apt-get update -qq
    # policy-rc.d keeps the package's service from starting on a host without systemd.
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq xrdp ssl-cert >/dev/null
fi
version=$(xrdp --version 2>&1 | sed -n 's/^xrdp \([0-9.]*\).*/\1/p' | head -1)
case "$version" in
    0.9.*) ;;
    *) echo "xrdp.sh: xrdp $version found; the licensing tests need 0.9.x (0.10.1+ skips licensing)" >&2; exit 1 ;;
esac

# Certificate for the TLS mode: the snakeoil pair, else one made here (the CI host has openssl; the device need not).
cert=/etc/ssl/certs/ssl-cert-snakeoil.pem
key=/etc/ssl/private/ssl-cert-snakeoil.key
if [ ! -r "$cert" ] || [ ! -r "$key" ]; then
    cert="$state/cert.pem"; key="$state/key.pem"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost -keyout "$key" -out "$cert" 2>/dev/null
fi
# xrdp reads its standard-security key from /etc/xrdp/rsakeys.ini; the package generates it on install.
[ -s /etc/xrdp/rsakeys.ini ] || xrdp-keygen xrdp auto >/dev/null

: >"$state/xrdp.pids"
: >"$state/xrdp-ports.env.tmp"
trap 'stop_all; exit 1' ERR INT TERM

i=0
for mode in tls rdp-none rdp-low rdp-high rdp-fips; do
    port=$((base_port + i)); i=$((i + 1))
    case "$mode" in
        tls) layer=tls; crypt=high ;;
        rdp-*) layer=rdp; crypt=${mode#rdp-} ;;
    esac
    dir="$state/$mode"
    mkdir -p "$dir"
    cat >"$dir/xrdp.ini" <<INI
[Globals]
ini_version=1
fork=false
port=tcp://127.0.0.1:$port
use_vsock=false
tcp_nodelay=true
tcp_keepalive=false
security_layer=$layer
crypt_level=$crypt
certificate=$cert
key_file=$key
ssl_protocols=TLSv1.2, TLSv1.3
autorun=
allow_channels=false
max_bpp=32
use_fastpath=none

[Logging]
LogFile=$dir/xrdp.log
LogLevel=INFO
EnableSyslog=false

[Xorg]
name=Xorg
lib=libxup.so
username=ask
password=ask
ip=127.0.0.1
port=-1
code=20
INI
    # --nodaemon keeps xrdp in the foreground so its PID is ours to stop.
    xrdp --nodaemon --config "$dir/xrdp.ini" >"$dir/stdout.log" 2>&1 &
    echo $! >>"$state/xrdp.pids"
    echo "$mode=$port" >>"$state/xrdp-ports.env.tmp"
done

# Wait (bounded) until every port accepts a connection.
deadline=$((SECONDS + 20))
while read -r line; do
    port=${line#*=}
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "xrdp.sh: xrdp did not listen on 127.0.0.1:$port within 20 s" >&2
            cat "$state"/*/stdout.log "$state"/*/xrdp.log >&2 2>/dev/null || true
            stop_all; exit 1
        fi
        sleep 0.1
    done
done <"$state/xrdp-ports.env.tmp"
# A port that answers could belong to someone else's server: every xrdp we started must still be running.
while read -r pid; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "xrdp.sh: xrdp (pid $pid) exited during start-up (port taken?)" >&2
        cat "$state"/*/xrdp.log >&2 2>/dev/null || true
        stop_all; exit 1
    fi
done <"$state/xrdp.pids"
mv "$state/xrdp-ports.env.tmp" "$state/xrdp-ports.env"
trap - ERR INT TERM
echo "xrdp.sh: xrdp $version listening: $(tr '\n' ' ' <"$state/xrdp-ports.env")"
