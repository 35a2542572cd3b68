#!/usr/bin/env bash
# CI step (issue 11, part 6): the registry store on a real registry implementation. Runs the host under Wine 8.0
# (Debian's wine64) as a self-contained win-x64 publish (not Native AOT, which cannot target Windows from Linux; not
# framework-dependent, since no Windows .NET runtime can be fetched into Wine; not single-file) and checks, against
# Wine's registry and its own reg.exe:
#   - license --store registry twice: a CAL is issued, then presented (LICENSE_INFO);
#   - the layout of hardware/registry-layout-mslicensing.md, in the 64-bit view only (nothing under WOW6432Node);
#   - show, doctor (on Wine's default key ACL, which lacks SYSTEM, and on the ACL Windows gives the key);
#   - export / wipe / import byte for byte (exports compared), the wipe backup equal to reg.exe's export;
#   - reg.exe both ways: its export read by show --reg, our export taken by reg import and read by show --store registry;
#   - the frozen fixture through reg import / reg export (fixtures/stores/mslicensing-v1-wine8-reg-export.reg);
#   - hostile values put in by reg import (wrong types and sizes) read without a crash;
#   - the store surviving a restart of the registry (wineserver -k saves it; a new wineserver loads it);
#   - a deny ACE for Everyone on HardwareID (set with tests/TsThinLic.RegistryAcl): every store command ends with
#     exit 2 and the OS's words, doctor names the deny ACE, and the store is unchanged once the ACE is gone.
# Wine runs with WINEDEBUG=-all and a fresh WINEPREFIX; every Wine command has stdin from /dev/null, output to files
# (a pipe from a Wine process can hang) and a timeout; the wineserver is killed on exit.
# Usage: bash .ci/wine-registry.sh   (as root on Debian: installs wine64 with apt when it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=$PWD/artifacts/wine-registry
rm -rf "$out"
mkdir -p "$out"
failures=0
step_start=$(date +%s)
fail() { echo "FAIL (wine-registry): $*"; failures=$((failures + 1)); }
# lap: seconds since the previous lap, in $lap_seconds (no subshell, so the start moves on).
lap() { local now; now=$(date +%s); lap_seconds=$((now - step_start)); step_start=$now; }

# 1. Wine. Debian bookworm's wine64 8.0 (libwine and its libraries); the "wine" wrapper package is not needed.
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver64
if [ ! -x "$wine" ] || [ ! -x "$wineserver" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends wine64 >"$out/apt.log" 2>&1 \
        || { cat "$out/apt.log"; echo "FAIL (wine-registry): wine64 could not be installed"; exit 1; }
fi
lap; echo "wine-registry: wine64 $(dpkg-query -W -f='${Version}' wine64) ready in $lap_seconds s"

# 2. The host and the ACL tool, self-contained win-x64, side by side (same runtime files).
pub=$out/publish
if ! dotnet publish src/TsThinLic.Host -r win-x64 -c Release --nologo -p:PublishAot=false -p:SelfContained=true -p:PublishSingleFile=false -o "$pub" >"$out/publish-host.log" 2>&1 \
    || ! dotnet publish tests/TsThinLic.RegistryAcl -r win-x64 -c Release --nologo -p:SelfContained=true -p:PublishSingleFile=false -o "$pub" >"$out/publish-acl.log" 2>&1; then
    tail -n 30 "$out"/publish-*.log
    echo "FAIL (wine-registry): the win-x64 publish failed"
    exit 1
fi
lap; echo "wine-registry: win-x64 publish in $lap_seconds s"

# 3. A fresh prefix and a persistent wineserver: the ACL tool's security descriptors live in the running server only
#    (Wine does not save them to system.reg), so the server must outlive each process.
WINEPREFIX=$(mktemp -d /tmp/tsthinlic-wine.XXXXXX)
export WINEPREFIX WINEDEBUG=-all
cleanup() {
    timeout 30 "$wineserver" -k >/dev/null 2>&1 || true
    timeout 30 "$wineserver" -w >/dev/null 2>&1 || true
    rm -rf "$WINEPREFIX"
}
trap cleanup EXIT
timeout 60 "$wineserver" -p </dev/null >/dev/null 2>&1
# No wine-mono or wine-gecko (nothing to download them from): off for wineboot only, since Wine's loader hands the
# runtime's ReadyToRun assemblies to mscoree when .NET loads them.
if ! WINEDLLOVERRIDES="mscoree,mshtml=" timeout 300 "$wine" wineboot --init </dev/null >"$out/wineboot.out" 2>"$out/wineboot.err"; then
    cat "$out/wineboot.err"
    echo "FAIL (wine-registry): wineboot --init failed"
    exit 1
fi
lap; echo "wine-registry: prefix ready in $lap_seconds s"
# From here every check runs and reports; the step fails at the end if any did.
set +e

# w NAME PROGRAM ARGS...: runs a Windows program with its output in $out/NAME.out and .err; returns its exit code.
w() {
    local name=$1
    shift
    timeout 120 "$wine" "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err"
    local rc=$?
    echo "$rc" >"$out/$name.rc"
    return "$rc"
}
host() { local name=$1; shift; w "$name" "$pub/TsThinLic.Host.exe" "$@"; }
acl() { local name=$1; shift; w "$name" "$pub/TsThinLic.RegistryAcl.exe" "$@"; }
reg() { local name=$1; shift; w "$name" reg "$@"; }
rc() { cat "$out/$1.rc"; }
winpath() { local p=${1//\//\\}; printf 'Z:%s' "$p"; }
utf8() { iconv -f UTF-16 -t UTF-8 "$1" 2>/dev/null | tr -d '\r'; }
# expect NAME CODE WHAT: the exit code of NAME was CODE, and no unhandled exception or .NET resource key reached stderr.
expect() {
    local got
    got=$(rc "$1")
    [ "$got" = "$2" ] || { fail "$3: exit $got, expected $2 (see $out/$1.err)"; head -n 5 "$out/$1.err"; }
    if grep -qE 'Unhandled exception|   at [A-Z][A-Za-z]+\.|(Security_RegistryPermission|UnauthorizedAccess_[A-Za-z_]+|Arg_[A-Za-z_]+)' "$out/$1.err" "$out/$1.out"; then
        fail "$3: an unhandled exception or a resource key instead of a message"; grep -m 3 -E 'Unhandled|_[A-Z]' "$out/$1.err" || true
    fi
}
key='HKLM\SOFTWARE\Microsoft\MSLicensing'
hwid_of() { tr -d '\r' <"$out/$1.out" | sed -n 's/^  "hwid": "\([0-9a-f]*\)",$/\1/p'; }

# 4. The main job twice: a CAL issued, then presented.
host license-1 license --store registry --json || true
expect license-1 0 "license (first)"
grep -q '"outcome": "license-issued"' "$out/license-1.out" || fail "the first license did not issue a CAL"
host license-2 license --store registry --json || true
expect license-2 0 "license (second)"
grep -q '"messageType": "LICENSE_INFO"' "$out/license-2.out" || fail "the second license did not present the stored CAL"

# 5. The layout, read back by Wine's own reg.exe in the 64-bit view; nothing in the 32-bit view.
reg layout-export export "$key" "$(winpath "$out/reg-export.reg")" /y /reg:64 || fail "reg export /reg:64 of $key"
reg layout-wow query 'HKLM\SOFTWARE\WOW6432Node\Microsoft\MSLicensing' /reg:64 && fail "the store wrote to WOW6432Node"
reg layout-32 query "$key" /reg:32 && fail "the store is visible in the 32-bit view: it was written through WOW6432Node"
utf8 "$out/reg-export.reg" >"$out/reg-export.txt"
headers=$(grep '^\[' "$out/reg-export.txt" | tr '\n' ' ')
[ "$headers" = '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing] [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\HardwareID] [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store] [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store\LICENSE000] ' ] \
    || fail "the keys are not the layout's: $headers"
grep -qE '^"ClientHWID"=hex:([0-9a-f]{2},){19}[0-9a-f]{2}$' "$out/reg-export.txt" || fail "HardwareID\\ClientHWID is not REG_BINARY of 20 bytes"
grep -qE '^"DeviceFingerprint"=hex:([0-9a-f]{2},){15}[0-9a-f]{2}$' "$out/reg-export.txt" || fail "HardwareID\\DeviceFingerprint is not REG_BINARY of 16 bytes"
for value in '"ClientLicense"=hex:' '"CompanyName"=hex:' '"LicenseScope"=hex:6d,69,63,72,6f,73,6f,66,74,2e,63,6f,6d,00' '"ProductID"=hex:41,00,30,00,32,00,00,00' '"LicenseVersion"=dword:00060000' '"StoredAt"=hex(b):'; do
    grep -qF "$value" "$out/reg-export.txt" || fail "Store\\LICENSE000 lacks $value"
done

# 6. show and doctor. Wine gives a new key its own default ACL (Administrators Full Control, Users Read, no SYSTEM):
#    doctor must read that from the registry and say SYSTEM lacks Full Control; with the ACL Windows gives a key under
#    HKLM\SOFTWARE, it is healthy.
host show show --store registry --json || true
expect show 0 "show"
grep -q '"hwidMatchesDevice": true' "$out/show.out" || fail "show does not see the device's CAL"
hwid=$(hwid_of show)
[ -n "$hwid" ] || fail "show printed no HWID"
host doctor-wine-acl doctor --store registry || true
expect doctor-wine-acl 1 "doctor on Wine's default ACL"
grep -q 'SYSTEM (S-1-5-18) lacks Full Control' "$out/doctor-wine-acl.out" || fail "doctor did not read Wine's ACL (no SYSTEM ACE)"
acl acl-windows windows 'SOFTWARE\Microsoft\MSLicensing' || fail "the ACL tool could not set the Windows ACL"
host doctor doctor --store registry || true
expect doctor 0 "doctor on the Windows ACL"
grep -q 'SYSTEM (S-1-5-18) has Full Control' "$out/doctor.out" || fail "doctor did not see SYSTEM's Full Control"

# 7. export / wipe / import, byte for byte; the wipe's backup is what reg.exe exports.
host export-before export "$(winpath "$out/export-before.reg")" --store registry || true
expect export-before 0 "export"
reg export-reg export "$key" "$(winpath "$out/reg-before.reg")" /y || fail "reg export before the wipe"
host wipe wipe --store registry --yes --backup "$(winpath "$out/wipe-backup.reg")" || true
expect wipe 0 "wipe"
reg wiped query "$key" && fail "the key is still there after the wipe"
cmp -s "$out/wipe-backup.reg" "$out/reg-before.reg" || fail "the wipe backup differs from reg.exe's export of the same key"
host import import "$(winpath "$out/wipe-backup.reg")" --store registry --yes || true
expect import 0 "import of the wipe backup"
host export-after export "$(winpath "$out/export-after.reg")" --store registry || true
cmp -s "$out/export-before.reg" "$out/export-after.reg" || fail "export / wipe / import did not give the same export back"
reg export-reg-after export "$key" "$(winpath "$out/reg-after.reg")" /y || true
cmp -s "$out/reg-before.reg" "$out/reg-after.reg" || fail "reg.exe sees a different key after wipe + import"

# 8. reg.exe both ways: its export read by show --reg; our export through reg import, read by show --store registry,
#    and presented by the next license.
host show-reg show --reg "$(winpath "$out/reg-before.reg")" --json || true
expect show-reg 0 "show --reg of reg.exe's export"
[ "$(hwid_of show-reg)" = "$hwid" ] || fail "show --reg of reg.exe's export gives another HWID"
grep -q '"hwidMatchesDevice": true' "$out/show-reg.out" || fail "show --reg of reg.exe's export lost the CAL"
reg delete-for-import delete "$key" /f || fail "reg delete"
reg reg-import import "$(winpath "$out/export-before.reg")" || fail "reg import of our export"
host show-imported show --store registry --json || true
expect show-imported 0 "show after reg import"
[ "$(hwid_of show-imported)" = "$hwid" ] || fail "reg import of our export gives another HWID"
grep -q '"hwidMatchesDevice": true' "$out/show-imported.out" || fail "reg import of our export lost the CAL"
host license-imported license --store registry --json || true
expect license-imported 0 "license after reg import"
grep -q '"messageType": "LICENSE_INFO"' "$out/license-imported.out" || fail "the CAL put back by reg import was not presented"

# 9. A restart of the registry: wineserver -k writes system.reg; a new server loads it and the store is intact.
timeout 30 "$wineserver" -k >/dev/null 2>&1 || true
timeout 30 "$wineserver" -w >/dev/null 2>&1 || true
grep -q 'Software\\\\Microsoft\\\\MSLicensing\\\\HardwareID' "$WINEPREFIX/system.reg" || fail "the store is not in system.reg (written volatile?)"
timeout 60 "$wineserver" -p </dev/null >/dev/null 2>&1
host show-restarted show --store registry --json || true
expect show-restarted 0 "show after a registry restart"
[ "$(hwid_of show-restarted)" = "$hwid" ] || fail "the HWID did not survive a registry restart"

# 10. The frozen fixture through reg.exe: reg import, read by the store (its HWID was made on another device, so
#     export, which reads the raw contents, shows it), and reg export giving the committed bytes.
reg delete-for-fixture delete "$key" /f || true
cp fixtures/stores/mslicensing-v1.reg "$out/fixture.reg"
reg fixture-import import "$(winpath "$out/fixture.reg")" || fail "reg import of fixtures/stores/mslicensing-v1.reg"
host fixture-read export "$(winpath "$out/fixture.json")" --store registry --json || true
expect fixture-read 0 "export of the fixture"
grep -q '"hwid": "000001044433221188776655ccbbaa9900ffeedd"' "$out/fixture.json" || fail "the fixture read through Wine's registry has another HWID"
grep -q '"hwidMadeOn": "another device"' "$out/fixture-read.out" || fail "the fixture's HWID is not seen as another device's"
[ "$(grep -c '"storeKey"' "$out/fixture-read.out")" = 2 ] || fail "the fixture read through Wine's registry does not hold its two CALs"
reg fixture-export export "$key" "$(winpath "$out/fixture-export.reg")" /y || true
cmp -s "$out/fixture-export.reg" fixtures/stores/mslicensing-v1-wine8-reg-export.reg || fail "reg export of the fixture differs from fixtures/stores/mslicensing-v1-wine8-reg-export.reg"

# 11. Hostile values, put in by reg import: a DWORD of 6 bytes, a QWORD of 3, a REG_SZ HWID, a REG_EXPAND_SZ and
#     REG_MULTI_SZ where binary belongs. Reading must report them, not crash; wipe must remove them.
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
    '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store\LICENSE000]' \
    '"LicenseVersion"=hex(4):01,02,03,04,05,06' '"StoredAt"=hex(b):01,02,03' '' \
    '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store\LICENSE001]' \
    '"LicenseScope"=hex(2):41,00,00,00' '"ProductID"=hex(7):41,00,00,00,00,00' '' \
    '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\Store\junk]' '' \
    '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\MSLicensing\HardwareID]' '"ClientHWID"="not a HWID"' '' \
    | iconv -f UTF-8 -t UTF-16 >"$out/hostile.reg"
reg hostile-import import "$(winpath "$out/hostile.reg")" || fail "reg import of the hostile values"
host hostile-show show --store registry --json || true
expect hostile-show 0 "show of hostile values"
host hostile-verify store verify --store registry || true
expect hostile-verify 1 "store verify of hostile values"
grep -q 'Corrupt' "$out/hostile-verify.out" || fail "store verify did not report the hostile values as corrupt"
host hostile-license license --store registry --json || true
expect hostile-license 0 "license over hostile values"
host hostile-wipe wipe --store registry --yes --no-backup || true
expect hostile-wipe 0 "wipe of hostile values"
reg hostile-gone query "$key" && fail "wipe left the hostile values"

# 12. A deny ACE for Everyone on HardwareID. Wine checks a key's DACL once one is set (server/token.c,
#     check_object_access), so the registry refuses the store as Windows would: every command that uses the store
#     ends with exit 2 and the OS's words, doctor (which reports, exit 1) names the ACE, and nothing is changed.
host deny-license license --store registry --json || true
expect deny-license 0 "license before the deny ACE"
acl acl-windows-2 windows 'SOFTWARE\Microsoft\MSLicensing' || fail "the ACL tool could not set the Windows ACL"
host deny-show-before show --store registry --json || true
reg deny-reg-before export "$key" "$(winpath "$out/deny-before.reg")" /y || true
acl acl-deny deny 'SOFTWARE\Microsoft\MSLicensing\HardwareID' || fail "the ACL tool could not add the deny ACE"
grep -q '(D;;KA;;;WD)' "$out/acl-deny.out" || fail "the deny ACE is not in the key's DACL"
for command in "license --store registry" "show --store registry" "store verify --store registry" "hwid --store registry" \
    "export $(winpath "$out/denied.reg") --store registry" "wipe --store registry --yes --no-backup" \
    "import $(winpath "$out/export-before.reg") --store registry --yes --no-backup"; do
    name="denied-${command%% *}"
    # shellcheck disable=SC2086 # the command's words are split on purpose
    host "$name" $command || true
    expect "$name" 2 "$command with a deny ACE on HardwareID"
    grep -q 'MSLicensing\\HardwareID: .*(Win32 error 5)' "$out/$name.err" || { fail "$command with a deny ACE: the OS's reason for HardwareID is not given"; head -n 3 "$out/$name.err"; }
done
host denied-doctor doctor --store registry || true
expect denied-doctor 1 "doctor with a deny ACE on HardwareID"
grep -q 'a deny ACE for S-1-1-0' "$out/denied-doctor.out" || fail "doctor does not name the deny ACE on HardwareID"
acl acl-undeny undeny 'SOFTWARE\Microsoft\MSLicensing\HardwareID' || fail "the ACL tool could not remove the deny ACE"
reg deny-reg-after export "$key" "$(winpath "$out/deny-after.reg")" /y || true
cmp -s "$out/deny-before.reg" "$out/deny-after.reg" || fail "a refused command changed the store"
host deny-show-after show --store registry --json || true
expect deny-show-after 0 "show once the deny ACE is gone"
[ "$(hwid_of deny-show-after)" = "$(hwid_of deny-show-before)" ] || fail "the HWID changed across the refused commands"

lap; echo "wine-registry: checks in $lap_seconds s"
if [ "$failures" -gt 0 ]; then
    echo "FAIL (wine-registry): $failures check(s) failed; outputs in $out"
    exit 1
fi
echo "wine-registry: all checks passed"
