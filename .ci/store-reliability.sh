#!/usr/bin/env bash
# CI, issue 11 (parts 1-4) on the Native AOT binary itself, where the in-process tests cannot look: resident memory,
# real processes racing for one store, another account, stdout on a full device.
#   bash .ci/store-reliability.sh PATH/TO/tsthinlic
# Prints one line per check and "store-reliability: N checks, N failed"; exit 1 when one failed. Needs GNU time
# (installed with apt when missing) and setpriv (util-linux) when run as root.
set -uo pipefail
binary=$(readlink -f "${1:?usage: $0 PATH/TO/tsthinlic}")
if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

work=$(mktemp -d /tmp/tsthinlic-store-reliability.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
# A copy any account may run (the clone may sit under a directory only root can enter).
cp "$binary" "$work/tsthinlic"
chmod 755 "$work/tsthinlic"
tsthinlic="$work/tsthinlic"
checks=0
failed=0
check() { # check NAME CONDITION-EXIT-CODE
    checks=$((checks + 1))
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; failed=$((failed + 1)); fi
}

# 1. FIFO, /dev/zero and a link to it as every kind of input: exit 2 at once, resident memory bounded.
#    (Before: a FIFO blocked forever; /dev/zero was read to 3-4 GB.) Bound: 64 MiB of RSS, 10 s each.
mkfifo "$work/fifo"
ln -s /dev/zero "$work/zero-link"
max_rss=0
for input in "$work/fifo" /dev/zero "$work/zero-link"; do
    for args in "decode $input" "replay $input" "capture-to-transcript $input" "import $input --store memory --yes" \
                "show --reg $input" "show --image $input" "show --store file:$input" "license --store reg:$input" "license --profile $input"; do
        # shellcheck disable=SC2086 # the arguments are split on purpose
        timeout 10 /usr/bin/time -f '%M' -o "$work/rss" "$tsthinlic" $args >/dev/null 2>"$work/err"
        rc=$?
        rss=$(tail -n 1 "$work/rss")
        [ "${rss:-0}" -gt "$max_rss" ] && max_rss=$rss
        [ "$rc" -eq 2 ] && [ "${rss:-999999}" -lt 65536 ] && grep -q "$(basename "$input")\|/dev/zero" "$work/err"
        check "$args: exit 2 ($rc), ${rss} KiB resident" $?
    done
done
echo "     largest resident set over those inputs: $max_rss KiB"

# 2. stdout on a full device: exit 2, the stream named with the system's words, no stack trace.
"$tsthinlic" show --store memory >/dev/full 2>"$work/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "standard output: No space left on device" "$work/err" && ! grep -q "   at " "$work/err"
check "show >/dev/full: exit 2 ($rc), $(head -c 120 "$work/err")" $?

# 3. Twenty license processes at once on one empty store, for each kind: one HWID among them, one of them made it.
for kind in file flash reg; do
    store="$kind:$work/race-$kind"
    for i in $(seq 1 20); do
        "$tsthinlic" license --store "$store" --json >"$work/race-$kind-$i.json" 2>"$work/race-$kind-$i.err" &
    done
    wait
    hwids=$(cat "$work"/race-"$kind"-*.json | grep -A1 '"hwid": {' | sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p' | sort -u | wc -l)
    created=$(grep -c '"created": true' "$work"/race-"$kind"-*.json | awk -F: '{s+=$2} END {print s}')
    # Each process licenses: a new CAL, or (one that starts after another committed its CAL) the stored CAL presented
    # and accepted; which of the two depends on how the processes happen to be scheduled.
    issued=$(grep -l '"outcome": "license-issued"' "$work"/race-"$kind"-*.json | wc -l)
    presented=$(grep -l '"outcome": "valid-client"' "$work"/race-"$kind"-*.json | wc -l)
    [ "$hwids" -eq 1 ] && [ "$created" -eq 1 ] && [ $((issued + presented)) -eq 20 ]
    check "20 x license --store $kind:…: $hwids HWID(s), $created created, $issued issued, $presented presented the stored CAL" $?
done

# 4. Read-only commands never write: a short flash image stays byte for byte, a missing one is not created.
"$tsthinlic" license --store "flash:$work/ro.img" >/dev/null 2>&1
head -c 4096 "$work/ro.img" >"$work/short.img"
cp "$work/short.img" "$work/short.orig"
for args in "show" "doctor" "store verify" "export $work/ro-export.json" "hwid"; do
    # shellcheck disable=SC2086
    "$tsthinlic" $args --store "flash:$work/short.img" >/dev/null 2>&1
    # shellcheck disable=SC2086
    "$tsthinlic" $args --store "flash:$work/missing/none.img" >/dev/null 2>&1
    rm -f "$work/ro-export.json"
    cmp -s "$work/short.img" "$work/short.orig" && [ ! -e "$work/short.img.lock" ] && [ ! -e "$work/missing" ]
    check "$args on a short and a missing flash image: unchanged, not created" $?
done

# 5. A damaged store: license quarantines it and licenses afresh; show --image reads the old HWID; import --salvage
#    takes it back.
"$tsthinlic" license --store "file:$work/damaged.store" --json >"$work/first.json" 2>/dev/null
old=$(grep -A1 '"hwid": {' "$work/first.json" | sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p')
rm -f "$work/damaged.store.prev"
# One flipped bit in a byte of the CAL.
byte=$(od -An -tu1 -j200 -N1 "$work/damaged.store" | tr -d ' ')
printf "\\x$(printf %02x $((byte ^ 0x08)))" | dd of="$work/damaged.store" bs=1 seek=200 conv=notrunc status=none
cp "$work/damaged.store" "$work/damaged.orig"
"$tsthinlic" show --store "file:$work/damaged.store" >/dev/null 2>&1
rc=$?
cmp -s "$work/damaged.store" "$work/damaged.orig" && [ "$rc" -eq 1 ]
check "show on the damaged store: exit 1 ($rc), nothing written" $?
"$tsthinlic" license --store "file:$work/damaged.store" --json >"$work/second.json" 2>"$work/second.err"
copy=$(ls "$work"/damaged.store.quarantine/*.store 2>/dev/null | head -n 1)
[ -n "$copy" ] && cmp -s "$copy" "$work/damaged.orig" && grep -q '\[308\]' "$work/second.err" && grep -q '"quarantinedNow"' "$work/second.json"
check "license on the damaged store: the image kept byte for byte in ${copy#"$work"/}, event 308" $?
"$tsthinlic" show --image "$copy" --json >"$work/image.json" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] && grep -q "\"hwidFingerprint\": \"$old\"" "$work/image.json" && grep -q '"intact": false' "$work/image.json"
check "show --image on the copy: exit 1 ($rc), the old HWID $old, marked salvaged" $?
"$tsthinlic" import "$copy" --store "file:$work/damaged.store" --salvage --yes >/dev/null 2>&1 \
    && "$tsthinlic" show --store "file:$work/damaged.store" --json >"$work/back.json" 2>/dev/null \
    && grep -q "\"hwidFingerprint\": \"$old\"" "$work/back.json"
check "import --salvage: the store holds the old HWID again" $?

# 6. Mode 000 as another account (CI runs as root, which mode bits do not stop): exit 2 with the path and the words.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    mkdir -m 777 "$work/shared"
    "$tsthinlic" license --store "file:$work/shared/locked.store" >/dev/null 2>&1
    chmod 000 "$work/shared/locked.store"
    setpriv --reuid=65534 --regid=65534 --clear-groups -- "$tsthinlic" show --store "file:$work/shared/locked.store" >/dev/null 2>"$work/err"
    rc=$?
    [ "$rc" -eq 2 ] && grep -q "$work/shared/locked.store: Permission denied" "$work/err"
    check "show as nobody on a mode 000 store: exit 2 ($rc), $(head -c 160 "$work/err")" $?
fi

echo "store-reliability: $checks checks, $failed failed"
[ "$failed" -eq 0 ]
