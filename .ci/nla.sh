#!/usr/bin/env bash
# Starts a real NLA server for the probe's integration tests: FreeRDP's freerdp-shadow-cli (Debian 12's
# freerdp2-shadow-x11, 2.11) on 127.0.0.1 with /sec:nla and a SAM file written here, under an Xvfb started here.
#   .ci/nla.sh start STATE_DIR   installs what is missing, starts Xvfb and the server, writes STATE_DIR/nla-server.env
#   .ci/nla.sh stop STATE_DIR    stops both, by the PIDs recorded
# The env file (KEY=VALUE lines: port, user, domain, password) is what tests/…/Connection reads through TSTHINLIC_NLA_SERVER.
# The account is a test account of this server only; the SAM line is user:DOMAIN::<NT hash>::: with the NT hash the MD4 of
# the UTF-16LE password ([MS-NLMP] NTOWFv1).
set -euo pipefail

action=${1:?usage: nla.sh start|stop STATE_DIR}
state=${2:?usage: nla.sh start|stop STATE_DIR}
port=${TSTHINLIC_NLA_PORT:-$(( ${TSTHINLIC_XRDP_BASE_PORT:-47890} + 10 ))}
user=nlaprobe
domain=TSTHINLIC
password='Nla-Probe-Passw0rd!'

stop_all() {
    for name in shadow xvfb; do
        [ -f "$state/$name.pid" ] || continue
        pid=$(cat "$state/$name.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$state/$name.pid"
    done
}

if [ "$action" = stop ]; then
    stop_all
    exit 0
fi

mkdir -p "$state/home"
missing=()
command -v freerdp-shadow-cli >/dev/null 2>&1 || missing+=(freerdp2-shadow-x11)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# MD4 is in OpenSSL 3's legacy provider (Debian ships it); the tests check the same hash with BouncyCastle's MD4.
nt_hash=$(printf '%s' "$password" | iconv -f UTF-8 -t UTF-16LE | openssl dgst -md4 -provider legacy -provider default -r | cut -d' ' -f1)
[ ${#nt_hash} -eq 32 ] || { echo "nla.sh: could not compute the NT hash (openssl's legacy provider missing?)" >&2; exit 1; }
printf '%s:%s::%s:::\n' "$user" "$domain" "$nt_hash" >"$state/sam"
chmod 600 "$state/sam"

trap 'stop_all; exit 1' ERR INT TERM
# -displayfd picks a free display and writes its number: no collision with other servers on the machine.
exec 9>"$state/display"
Xvfb -displayfd 9 -nolisten tcp -screen 0 800x600x24 >"$state/xvfb.log" 2>&1 &
echo $! >"$state/xvfb.pid"
for _ in $(seq 1 100); do [ -s "$state/display" ] && break; sleep 0.1; done
exec 9>&-
display=$(tr -d '\n' <"$state/display")
[ -n "$display" ] || { echo "nla.sh: Xvfb did not start" >&2; cat "$state/xvfb.log" >&2; stop_all; exit 1; }

# A private HOME: the server's generated certificate and key stay in STATE_DIR.
HOME="$state/home" DISPLAY=":$display" freerdp-shadow-cli /bind-address:127.0.0.1 /port:"$port" /sec:nla /sam-file:"$state/sam" >"$state/shadow.log" 2>&1 &
echo $! >"$state/shadow.pid"

deadline=$((SECONDS + 30))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$(cat "$state/shadow.pid")" 2>/dev/null; then
        echo "nla.sh: freerdp-shadow-cli did not listen on 127.0.0.1:$port" >&2
        tail -20 "$state/shadow.log" >&2 || true
        stop_all; exit 1
    fi
    sleep 0.2
done
# A port that answers could be someone else's: our server must still be running.
sleep 0.5
if ! kill -0 "$(cat "$state/shadow.pid")" 2>/dev/null; then
    echo "nla.sh: freerdp-shadow-cli (pid $(cat "$state/shadow.pid")) exited during start-up (port $port taken?)" >&2
    tail -20 "$state/shadow.log" >&2 || true
    stop_all; exit 1
fi
printf 'port=%s\nuser=%s\ndomain=%s\npassword=%s\n' "$port" "$user" "$domain" "$password" >"$state/nla-server.env.tmp"
mv "$state/nla-server.env.tmp" "$state/nla-server.env"
trap - ERR INT TERM
echo "nla.sh: freerdp-shadow-cli $(dpkg-query -W -f '${Version}' freerdp2-shadow-x11 2>/dev/null || echo '?') listening on 127.0.0.1:$port (NLA, display :$display)"
