#!/usr/bin/env bash
# Integration tests of `tsthinlic serve` (issue 13) with real clients, run by .ci/run after the Native AOT publish:
#   .ci/serve.sh PATH/TO/tsthinlic
# FreeRDP 2.11 (xfreerdp /sec:rdp with no and 128-bit encryption, /sec:tls, +auth-only, under an Xvfb this script
# starts) and rdesktop 1.9 (Standard RDP Security, tolerant and --strict servers) license against serve on 127.0.0.1;
# our own probe / license --server does in every mode, through every scripted error code x transition x step and a Set
# Error Info after licensing. Each check reads serve's JSON lines, the .cal files the clients wrote and our store.
# Servers bind 127.0.0.1 on TSTHINLIC_SERVE_BASE_PORT (46400) and up; every process is stopped by its PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
tsthinlic="$(cd "$(dirname "${1:?usage: serve.sh PATH/TO/tsthinlic}")" && pwd)/$(basename "$1")"
base_port=${TSTHINLIC_SERVE_BASE_PORT:-46400}
started=$SECONDS

packages=(freerdp2-x11 rdesktop xvfb python3)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/tsthinlic-serve-ci.XXXXXX)
pids=()
cleanup() {
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        timeout 10 tail --pid="${pids[$i]}" -f /dev/null 2>/dev/null || kill -9 "${pids[$i]}" 2>/dev/null || true
    done
    mkdir -p artifacts/serve
    cp "$work"/*.jsonl "$work"/*.log artifacts/serve/ 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# Xvfb on a display it picks itself (-displayfd): xfreerdp and rdesktop need one even with +auth-only.
exec 9>"$work/display"
Xvfb -displayfd 9 -nolisten tcp -screen 0 1024x768x24 >"$work/xvfb.log" 2>&1 &
pids+=($!)
for n in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n 1 "$work/display")"

port=$base_port
serve_pid=
# serve_start NAME CONNECTIONS ARGS...: serve on the next port, its JSON lines in $work/NAME.jsonl; it exits by itself
# once CONNECTIONS connections have ended and their lines are written (a client can exit before serve has seen its
# connection close, so stopping serve right after the client would race the last line).
serve_start() {
    local name="$1" connections="$2"; shift 2
    port=$((port + 1))
    "$tsthinlic" serve --listen "127.0.0.1:$port" --json-log "$work/$name.jsonl" --exit-after "$connections" "$@" >"$work/$name-serve.log" 2>&1 &
    serve_pid=$!
    pids+=($serve_pid)
    for n in $(seq 1 100); do grep -q "serve: listening" "$work/$name-serve.log" 2>/dev/null && return 0; sleep 0.1; done
    cat "$work/$name-serve.log"; fail "serve $name did not start"; return 1
}
# serve_stop: wait (30 s at most) for serve to exit after its connections, else stop it.
serve_stop() {
    if ! timeout 30 tail --pid="$serve_pid" -f /dev/null 2>/dev/null; then
        echo "serve did not exit after its connections; stopping it"
        kill "$serve_pid" 2>/dev/null || true
        timeout 10 tail --pid="$serve_pid" -f /dev/null 2>/dev/null || kill -9 "$serve_pid" 2>/dev/null || true
    fi
}

# check NAME LINE PYTHON-EXPRESSION DESCRIPTION: the LINE-th JSON line (1-based) of NAME satisfies the expression (d).
check() {
    local name="$1" line="$2" expression="$3" what="$4"
    if python3 - "$work/$name.jsonl" "$line" "$expression" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
index = int(sys.argv[2]) - 1
d = lines[index] if 0 <= index < len(lines) else None
ok = d is not None and eval(sys.argv[3], {"d": d, "lines": lines})
if not ok:
    print(json.dumps(d, indent=1) if d is not None else f"no line {index + 1} of {len(lines)}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
    then pass "$name #$line: $what"; else fail "$name #$line: $what"; fi
}

# field FILE EXPRESSION: a value out of a JSON document.
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$1" "$2"; }

freerdp() {
    local home="$1" sec="$2" name="$3" rc=0
    HOME="$home" timeout 60 xfreerdp /v:127.0.0.1:"$port" /u:qauser /p:qapass /client-hostname:qaclient /sec:"$sec" /cert:ignore +auth-only \
        >>"$work/$name-client.log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] && pass "xfreerdp /sec:$sec ($name) exit 0" || fail "xfreerdp /sec:$sec ($name) exit $rc"
}

# ---- FreeRDP: temporary CAL to FreeRDP's HWID, LICENSE_INFO with a verified MAC, the upgrade once the pool allows ----
freerdp_mode() {
    local name="$1" sec="$2"; shift 2
    local home="$work/$name-home" state="$work/$name.state"
    mkdir -p "$home"
    # No permanent CAL installed yet: the second connection keeps its temporary CAL (handed back, case 4).
    serve_start "$name" 2 --state "$state" --pool 0 "$@" || return
    freerdp "$home" "$sec" "$name"
    freerdp "$home" "$sec" "$name"
    serve_stop
    # A permanent CAL installed: the third connection is upgraded.
    serve_start "$name-upgrade" 1 --state "$state" --pool 1 "$@" || return
    freerdp "$home" "$sec" "$name"
    serve_stop
    cat "$work/$name-upgrade.jsonl" >>"$work/$name.jsonl"

    check "$name" 1 'd["licensing"]["outcome"] == "license-issued" and d["licensing"]["issued"]["temporary"] and d["licensing"]["received"] == ["NEW_LICENSE_REQUEST", "PLATFORM_CHALLENGE_RESPONSE"] and all(m["verified"] for m in d["licensing"]["macs"])' "temporary CAL through the platform challenge"
    check "$name" 1 'd["licensing"]["hwidRecipe"] == "freerdp:qaclient" and d["licensing"]["platformId"] == "0x04010000"' "issued to the HWID FreeRDP computes from its host name"
    check "$name" 2 'd["licensing"]["received"][0] == "LICENSE_INFO" and d["licensing"]["macs"][0] == {"message": "LICENSE_INFO", "verified": True} and d["licensing"]["presented"]["temporary"]' "LICENSE_INFO with that CAL, MAC verified"
    check "$name" 2 'd["licensing"]["outcome"] == "license-returned" and d["licensing"]["hwid"] == lines[0]["licensing"]["hwid"]' "no seat: the temporary CAL handed back"
    check "$name" 3 'd["licensing"]["outcome"] == "license-upgraded" and not d["licensing"]["issued"]["temporary"]' "upgraded to a permanent CAL once the pool allows"
    check "$name" 3 'd["afterLicensing"] == "demand-active" and d["confirmActive"]' "Demand Active answered with Confirm Active"

    # The .cal FreeRDP wrote: decoded by show, its HWID FreeRDP's recipe for the host name.
    if "$tsthinlic" show --store "freerdp:$home/.config/freerdp" --json >"$work/$name-show.json"; then
        [ "$(field "$work/$name-show.json" 'd["clientFiles"][0]["hostName"] + " " + str(d["clientFiles"][0]["hwidMatchesRecipe"])')" = "qaclient True" ] \
            && pass "$name: show --store freerdp: decodes the .cal, HWID matches FreeRDP's recipe for qaclient" || fail "$name: show --store freerdp: recipe"
        [ "$(field "$work/$name-show.json" 'd["hwidFingerprint"]')" = "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["licensing"]["hwid"])' "$work/$name.jsonl")" ] \
            && pass "$name: the .cal's HWID is the one serve issued to" || fail "$name: HWID of the .cal differs from serve's log"
        [ "$(field "$work/$name-show.json" 'd["licenses"][0]["temporary"]')" = "False" ] && pass "$name: the stored CAL is the permanent one" || fail "$name: stored CAL not upgraded"
    else
        fail "$name: show --store freerdp:"
    fi
}
freerdp_mode freerdp-rdp-none rdp --security rdp --encryption none
freerdp_mode freerdp-rdp-128 rdp --security rdp --encryption 128
freerdp_mode freerdp-tls tls --security tls

# import into our file store and back is byte-identical.
cal_dir="$work/freerdp-rdp-none-home/.config/freerdp"
"$tsthinlic" import "freerdp:$cal_dir" --store "file:$work/migrated.store" --adopt --yes >/dev/null 2>&1 || fail "import freerdp: into a file store"
"$tsthinlic" import "$work/migrated.store" --store "freerdp:$work/back" --yes >/dev/null 2>&1 || fail "import the file store into freerdp:"
if cmp -s "$cal_dir"/licenses/*.cal "$work"/back/licenses/*.cal; then pass "import freerdp: -> file: -> freerdp: is byte-identical"; else fail "import round trip differs"; fi

# ---- rdesktop: its zero premaster and bare challenge echo, tolerated, then refused by --strict ----
rdesktop_run() {
    local home="$1" name="$2" rc=0
    HOME="$home" timeout 60 rdesktop -u qauser -p qapass -n qaclient 127.0.0.1:"$port" >>"$work/$name-client.log" 2>&1 || rc=$?
    echo "rdesktop ($name) exit $rc"
}
mkdir -p "$work/rdesktop-home"
serve_start rdesktop 2 --security rdp --encryption 128 --pool 1 --state "$work/rdesktop.state" || true
rdesktop_run "$work/rdesktop-home" rdesktop
rdesktop_run "$work/rdesktop-home" rdesktop
serve_stop
check rdesktop 1 'd["licensing"]["outcome"] == "license-issued" and d["licensing"]["quirks"] == ["zero-premaster", "challenge-response-layout"] and d["licensing"]["macs"] == [{"message": "PLATFORM_CHALLENGE_RESPONSE", "verified": True}]' "tolerated: zero premaster and the bare challenge echo, logged"
check rdesktop 1 'd["licensing"]["hwidRecipe"] == "rdesktop:qaclient" and d["licensing"]["platformId"] == "0x00000002"' "issued to rdesktop's HWID (2 + the host name)"
check rdesktop 2 'd["licensing"]["received"][0] == "LICENSE_INFO" and d["licensing"]["macs"][0]["verified"] and d["licensing"]["outcome"] == "license-upgraded"' "LICENSE_INFO with its CAL, MAC verified, upgraded"
"$tsthinlic" show --store "rdesktop:$work/rdesktop-home/.local/share/rdesktop" --json >"$work/rdesktop-show.json" \
    && [ "$(field "$work/rdesktop-show.json" 'd["clientFiles"][0]["hostName"] + " " + str(d["clientFiles"][0]["hwidMatchesRecipe"])')" = "qaclient True" ] \
    && pass "rdesktop: show --store rdesktop: matches rdesktop's recipe" || fail "rdesktop: show --store rdesktop:"
serve_start rdesktop-strict 1 --security rdp --encryption 128 --strict || true
rdesktop_run "$(mktemp -d "$work/home.XXXX")" rdesktop-strict
serve_stop
check rdesktop-strict 1 'd["licensing"]["outcome"] == "refused" and d["licensing"]["alert"] == {"code": "ERR_INVALID_CLIENT", "transition": "ST_TOTAL_ABORT"} and "zero-premaster" in d["licensing"]["quirks"]' "--strict refuses it with ERR_INVALID_CLIENT, ST_TOTAL_ABORT"

# ---- our probe and license --server in every mode, the CAL persisted in our store ----
for mode in rdp-none rdp-40 rdp-56 rdp-128 rdp-fips tls negotiate; do
    case "$mode" in
        rdp-*) args=(--security rdp --encryption "${mode#rdp-}"); client=(probe --security rdp) ;;
        tls) args=(--security tls); client=(license --server) ;;
        negotiate) args=(--security negotiate); client=(license --server) ;;
    esac
    store="file:$work/probe-$mode.store"
    serve_start "probe-$mode" 2 "${args[@]}" --pool 1 || continue
    for run in 1 2; do
        if [ "${client[0]}" = probe ]; then
            "$tsthinlic" probe "127.0.0.1:$port" "${client[@]:1}" --store "$store" --user probe --machine ci-thinclient --json >"$work/probe-$mode-$run.json" 2>>"$work/probe-$mode-client.log" || fail "probe $mode run $run"
        else
            "$tsthinlic" license --server "127.0.0.1:$port" --store "$store" --json >"$work/probe-$mode-$run.json" 2>>"$work/probe-$mode-client.log" || fail "license --server $mode run $run"
        fi
    done
    serve_stop
    check "probe-$mode" 1 'd["licensing"]["outcome"] == "license-issued" and d["outcome"] == "completed"' "$mode: new CAL through the challenge"
    check "probe-$mode" 2 'd["licensing"]["received"][0] == "LICENSE_INFO" and d["licensing"]["outcome"] == "license-upgraded"' "$mode: LICENSE_INFO next time, upgraded"
    "$tsthinlic" show --store "$store" --json >"$work/probe-$mode-show.json" && [ "$(field "$work/probe-$mode-show.json" 'str(d["licenses"][0]["temporary"]) + " " + str(d["licenses"][0]["hwidMatchesDevice"])')" = "False True" ] \
        && pass "$mode: the permanent CAL is in our store" || fail "$mode: our store"
done

# ---- every scripted error code x transition x step, and a Set Error Info after licensing ----
python3 - "$work/script.json" <<'PY'
import json, sys
plans = []
for code in ["ERR_INVALID_CLIENT", "ERR_NO_LICENSE_SERVER", "ERR_INVALID_SCOPE", "ERR_INVALID_PRODUCTID", "ERR_INVALID_MESSAGE_LEN", "ERR_INVALID_MAC"]:
    for at in ["license-request", "challenge", "license"]:
        for transition in ["ST_TOTAL_ABORT", "ST_NO_TRANSITION", "ST_RESET_PHASE_TO_START", "ST_RESEND_LAST_MESSAGE"]:
            if not (at == "license-request" and transition == "ST_RESEND_LAST_MESSAGE"):
                plans.append({"error": {"at": at, "code": code, "transition": transition}})
plans.append({"errorInfo": "ERRINFO_LICENSE_NO_LICENSE", "logon": False})
json.dump({"format": "tsthinlic-serve-script/1", "connections": plans}, open(sys.argv[1], "w"))
print(len(plans))
PY
plans=$(field "$work/script.json" 'len(d["connections"])')
serve_start scripted "$plans" --security rdp --encryption 128 --pool 100 --script "$work/script.json" || true
for i in $(seq 1 "$plans"); do
    "$tsthinlic" probe "127.0.0.1:$port" --security rdp --store "file:$work/scripted-$i.store" --json --timeout 20 >"$work/scripted-$i.json" 2>>"$work/scripted-client.log" || true
done
serve_stop
if python3 - "$work/scripted.jsonl" "$work/script.json" "$work" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
plans = json.load(open(sys.argv[2]))["connections"]
bad = 0
for i, (d, plan) in enumerate(zip(lines, plans), 1):
    probe = json.load(open(f"{sys.argv[3]}/scripted-{i}.json"))
    outcome = d["licensing"]["outcome"]
    if "error" in plan:
        e = plan["error"]
        t = e["transition"]
        expect = {"ST_TOTAL_ABORT": "refused", "ST_RESET_PHASE_TO_START": "license-issued", "ST_RESEND_LAST_MESSAGE": "license-issued"}.get(t)
        ok = d.get("scriptEntry") == i and (expect is None or outcome == expect) and (outcome != "license-issued" or probe.get("outcome") == "license-issued")
        ok = ok and (d["licensing"].get("alert", {}).get("code") == e["code"] or outcome != "refused")
    else:
        ok = d.get("afterLicensing") == "set-error-info" and d.get("errorInfo") == "ERRINFO_LICENSE_NO_LICENSE" and not d["logon"]
    if not ok:
        bad += 1
        print(f"plan {i} {plan}: serve {outcome}, probe {probe.get('outcome')}: {json.dumps(d)[:400]}", file=sys.stderr)
print(f"{len(lines)} scripted connections, {bad} wrong")
sys.exit(1 if bad or len(lines) != len(plans) else 0)
PY
then pass "every scripted error x transition x step, and Set Error Info after licensing ($plans connections)"; else fail "scripted errors"; fi

echo "serve integration: $failures failure(s), $((SECONDS - started)) s"
[ "$failures" -eq 0 ]
