#!/usr/bin/env bash
# Runs the same host commands with two builds of tsthinlic on the same fixture stores, captures and transcripts, and
# diffs their JSON (and exit codes) after masking what differs by design: the work folder, times, and the random HWID
# (and its fingerprint) a fresh store gets. Used to show a refactor changed no output.
#   tests/scripts/compare-host-json.sh OLD_HOST NEW_HOST      (each a command: a published binary or "dotnet X.dll")
# Exit 0 when every output matches.
set -uo pipefail
cd "$(dirname "$0")/../.."
old=${1:?usage: compare-host-json.sh OLD_HOST NEW_HOST}
new=${2:?usage: compare-host-json.sh OLD_HOST NEW_HOST}
fx=$PWD/fixtures
work=$(mktemp -d /tmp/tsthinlic-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

generate() {
    local host=$1 out=$2
    mkdir -p "$out/st"
    cp "$fx/stores/file-v1.store" "$out/st/file.store"
    cp "$fx/stores/flash-v1-nor-p1-e4096.bin" "$out/st/flash.bin"
    cp "$fx/stores/mslicensing-v1.reg" "$out/st/ms.reg"
    run() { local name=$1; shift; $host "$@" >"$out/$name.json" 2>/dev/null; echo "exit $?" >>"$out/$name.json"; }
    run show-file show --store "file:$out/st/file.store" --json
    run show-flash show --store "flash:$out/st/flash.bin" --json
    run show-reg show --reg "$out/st/ms.reg" --json
    run doctor-file doctor --store "file:$out/st/file.store" --json
    run doctor-flash doctor --store "flash:$out/st/flash.bin" --json
    run doctor-reg doctor --reg "$out/st/ms.reg" --json
    run hwid-file hwid --store "file:$out/st/file.store" --json
    run verify-file store verify --store "file:$out/st/file.store" --json
    run decode-1 decode --hex 80000000ff031000070000000200000004000000 --json
    run decode-2 decode --hex 80000000ff03100007000000020000000400000000 --json
    run replay-all replay "$fx/transcripts" "$fx/captures" --json
    for t in "$fx"/transcripts/*.transcript "$fx"/captures/*.pcapng; do run "replay-$(basename "$t")" replay "$t" --json; done
    run transcript-of-capture capture-to-transcript "$fx/captures/xrdp-rdp-none-cal.pcapng"
    run license-1 license --store "file:$out/st/new.store" --json
    run license-2 license --store "file:$out/st/new.store" --json
    run show-new show --store "file:$out/st/new.store" --json
    run doctor-new doctor --store "file:$out/st/new.store" --json
    run export export "$out/st/export.json" --store "file:$out/st/file.store"
    cp "$out/st/export.json" "$out/export-content.json" 2>/dev/null
}

# Paths, ISO times, HWIDs (40 hex digits) and HWID fingerprints (8 hex digits after "HWID"/"fingerprint") masked.
mask() {
    sed -E -e "s|$1/||g" \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)/TIME/g' \
        -e 's/"(hwid|fingerprint|hwidFingerprint)": "[0-9a-f]+"/"\1": "X"/g' \
        -e 's/(HWID|HWID \(|hwid) [0-9a-f]{8}/\1 X/g' -e "s/HWID \([0-9a-f]{8}\)/HWID (X)/g" \
        "$2"
}

generate "$old" "$work/old"
generate "$new" "$work/new"
status=0
count=0
for f in "$work"/old/*.json; do
    name=$(basename "$f")
    count=$((count + 1))
    if ! diff <(mask "$work/old" "$f") <(mask "$work/new" "$work/new/$name") >"$work/diff" 2>&1; then
        echo "DIFFERS: $name"; head -20 "$work/diff"; status=1
    fi
done
echo "$count outputs compared: $([ $status -eq 0 ] && echo identical || echo 'some differ')"
exit $status
