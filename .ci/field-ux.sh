#!/usr/bin/env bash
# CI, issue 15 (the field tool people read at a glance). Two steps, each called from .ci/run:
#   bash .ci/field-ux.sh install          before tests/run.sh: headless Chromium (apt package chromium), which the
#                                          fleet page's test opens; man-db and groff for the man page's test.
#   bash .ci/field-ux.sh check PUBLISHDIR  after the Native AOT publish: the completion scripts and the man page are in
#                                          the publish output and work (bash loads the script; man -l renders the page
#                                          without warnings); then `fleet` on 10,000 doctor reports, timed with
#                                          /usr/bin/time -v against cat and jq reading the same files in the same run.
# Prints one line per check and "field-ux: N checks, N failed"; exit 1 when one failed.
set -uo pipefail

if [ "${1:-}" = install ]; then
    missing=()
    for p in chromium man-db groff-base jq time; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [ "${#missing[@]}" -gt 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || exit 1
    fi
    exit 0
fi

[ "${1:-}" = check ] || { echo "usage: $0 install | check PUBLISHDIR" >&2; exit 2; }
dir=$(readlink -f "${2:?usage: $0 check PUBLISHDIR}")
tsthinlic="$dir/tsthinlic"
checks=0
failed=0
check() { # check NAME EXIT-CODE
    checks=$((checks + 1))
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; failed=$((failed + 1)); fi
}

# 1. Shipped beside the binary, generated from the command tree at build time.
for f in share/completions/tsthinlic.bash share/completions/_tsthinlic share/completions/tsthinlic.fish share/man/man1/tsthinlic.1; do
    test -s "$dir/$f"; check "publish output holds $f" $?
done
bash -c "source '$dir/share/completions/tsthinlic.bash' && complete -p tsthinlic" | grep -q -- '-F _tsthinlic tsthinlic'
check "bash loads the completion script (complete -p tsthinlic)" $?
man_err=$(MANPAGER=cat MANWIDTH=100 man --warnings -l "$dir/share/man/man1/tsthinlic.1" 2>&1 >/dev/null)
MANPAGER=cat man -l "$dir/share/man/man1/tsthinlic.1" 2>/dev/null | grep -q 'TSTHINLIC(1)' && [ -z "$man_err" ]
check "man -l tsthinlic.1 renders without warnings${man_err:+: $man_err}" $?
diff <("$tsthinlic" completion bash) "$dir/share/completions/tsthinlic.bash" >/dev/null
check "the shipped bash script is what this binary's command tree gives" $?

# 2. fleet on 10,000 reports. One real doctor --json report from this binary is the template; each device gets its
#    own name and HWID hash, every 50th shares one (clones), expiries spread over 12 weeks, every 100th is malformed.
work=$(mktemp -d /tmp/tsthinlic-field-ux.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$tsthinlic" license --store "file:$work/template.store" >/dev/null 2>&1
"$tsthinlic" doctor --store "file:$work/template.store" --json >"$work/template.json"
grep -q '"hwidHash"' "$work/template.json"; check "doctor --json carries the device object fleet reads" $?
mkdir "$work/reports"
awk -v out="$work/reports" '
    { template = template $0 "\n" }
    END {
        for (i = 0; i < 10000; i++) {
            r = template
            gsub(/"name": "[^"]*"/, sprintf("\"name\": \"TC-%05d\"", i), r)
            gsub(/"hwidHash": "[0-9a-f]*"/, sprintf("\"hwidHash\": \"%064x\"", (i % 50 == 0) ? 1 : i + 2), r)
            gsub(/"hwidFingerprint": "[0-9a-f]*"/, sprintf("\"hwidFingerprint\": \"%08x\"", (i % 50 == 0) ? 1 : i + 2), r)
            gsub(/"expiresOn": "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/, sprintf("\"expiresOn\": \"2027-%02d-%02d", 1 + int((i % 84) / 28), 1 + (i % 28)), r)
            file = sprintf("%s/tc-%05d.json", out, i)
            if (i % 100 == 99) printf "%s", substr(r, 1, 200) > file; else printf "%s", r > file
            close(file)
        }
    }' "$work/template.json"
count=$(find "$work/reports" -name '*.json' | wc -l)
[ "$count" -eq 10000 ]; check "10,000 reports generated ($count)" $?

measure() { # measure NAME COMMAND...: prints "NAME: S s, KB kB peak RSS"
    /usr/bin/time -v -o "$work/time.txt" "${@:2}" >"$work/$1.out" 2>"$work/$1.err"
    local rc=$?
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    echo "$1: exit $rc, wall $wall, peak RSS $rss kB"
    printf '%s %s %s\n' "$1" "$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')" "$rss" >>"$work/figures"
}
(cd "$work/reports" && measure cat sh -c 'cat ./*.json')
# jq stops at the first file that is not JSON: it reads the 9,900 well-formed ones.
(cd "$work/reports" && measure jq sh -c 'ls | grep -v "99\.json$" | xargs jq -c ".device.hwidHash"')
measure fleet "$tsthinlic" fleet "$work/reports" --json
measure fleet-html "$tsthinlic" fleet "$work/reports" --html "$work/fleet.html"
awk '{ t[$1] = $2; r[$1] = $3 } END {
    printf "fleet on 10,000 reports: %.2f s (cat %.2f s, jq %.2f s: %.1fx cat, %.2fx jq), peak RSS %d kB (cat %d kB: %.1fx, jq %d kB: %.2fx)\n",
        t["fleet"], t["cat"], t["jq"], t["fleet"] / (t["cat"] > 0 ? t["cat"] : 0.01), t["fleet"] / (t["jq"] > 0 ? t["jq"] : 0.01), r["fleet"], r["cat"], r["fleet"] / r["cat"], r["jq"], r["fleet"] / r["jq"] }' "$work/figures" | tee "${FIELD_UX_FIGURES:-/dev/null}"
grep -q '"devices": 9900' "$work/fleet.out"; check "fleet read 9,900 devices" $?
grep -c '"file":' "$work/fleet.out" | grep -qx 100; check "fleet listed the 100 malformed reports" $?
grep -q '"hwidHash": "0*1"' "$work/fleet.out"; check "fleet found the clone group" $?
test -s "$work/fleet.html" && grep -q '<svg id="expiries"' "$work/fleet.html"; check "fleet wrote the HTML page" $?

echo "field-ux: $checks checks, $failed failed"
[ "$failed" -eq 0 ]
