#!/usr/bin/env bash
# Cold start of `tsthinlic show` on a file store holding three CALs, against `true` (a process that does nothing) in
# the same run, with hyperfine (median of RUNS, default 30, after 3 warm-ups so the page cache is warm and the
# figure is the process's own start-up and work, not the disk). Then peak RSS of `show` from /usr/bin/time -v
# (median of 10 runs). Issue 4's targets: show within 20 ms, peak RSS within 20 MB.
#   tests/TsThinLic.Benchmarks/show-cold-start.sh [RUNS]     (BINARY=path/to/tsthinlic to skip the publish)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-30}
binary=${BINARY:-artifacts/publish/linux-x64/tsthinlic}
if ! command -v hyperfine >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine time >/dev/null
fi
if [ ! -x "$binary" ]; then
    dotnet publish src/TsThinLic.Host -r linux-x64 -c Release --nologo -v q -o "$(dirname "$binary")" >/dev/null
fi

work=$(mktemp -d /tmp/tsthinlic-show.XXXXXX)
trap 'rm -rf "$work"' EXIT
store="file:$work/licenses.store"
# Three CALs minted by the emulated license server for this device: the main job, then two more store keys with the
# same CAL under other product versions (an export edited and imported back).
"$binary" license --store "$store" >/dev/null
"$binary" export "$work/one.json" --store "$store" >/dev/null 2>&1
python3 - "$work/one.json" "$work/three.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
cal = data["licenses"][0]
data["licenses"] = [dict(cal, version=v) for v in (0x00060000, 0x000A0001, 0x00050002)]
json.dump(data, open(sys.argv[2], "w"), indent=2)
PY
"$binary" import "$work/three.json" --store "$store" --yes --no-backup >/dev/null 2>&1
count=$("$binary" show --store "$store" --json | grep -c '"licenseId"')
[ "$count" -eq 3 ] || { echo "expected 3 CALs in the store, found $count" >&2; exit 1; }

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/hyperfine.json" \
    -n true 'true' -n show "$binary show --store $store" >/dev/null
python3 - "$work/hyperfine.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base, show = results["true"]["median"] * 1000, results["show"]["median"] * 1000
print(f"median wall time over {len(results['show']['times'])} runs: true {base:.2f} ms, show {show:.2f} ms, "
      f"show - true {show - base:.2f} ms, show / true {show / base:.1f}x")
PY

rss=()
for _ in $(seq 1 10); do
    /usr/bin/time -v "$binary" show --store "$store" >/dev/null 2>"$work/time.txt"
    rss+=("$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")")
done
base_rss=$(/usr/bin/time -v true 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
median=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n '5p')
echo "peak RSS of show (median of 10): $median KB ($(awk "BEGIN{printf \"%.1f\", $median/1024}") MB); true: $base_rss KB"
echo "binary: $(stat -c %s "$binary") bytes"
