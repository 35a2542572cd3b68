#!/usr/bin/env bash
# Issue 14 (encrypted replay): the tools its tests run, installed with apt when missing. tshark is the Wireshark
# cross-check (its TLS decryption of the keyed captures and of a live capture of the probe against ours); dumpcap
# (wireshark-common, with tshark) records that live capture on the loopback interface, which needs root or the
# wireshark group (CI runs as root). tests/run.sh calls this unless integration tests are off; it prints the time it took.
set -uo pipefail
start=$(date +%s)
missing=()
command -v tshark >/dev/null 2>&1 || missing+=(tshark)
command -v dumpcap >/dev/null 2>&1 || missing+=(wireshark-common)
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    # wireshark-common asks whether non-root users may capture: noninteractive keeps its default (no).
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null \
        || { echo "encrypted-replay.sh: apt-get install ${missing[*]} failed; the Wireshark cross-check tests will fail and say why" >&2; exit 1; }
fi
echo "encrypted-replay.sh: $(tshark --version 2>/dev/null | head -n 1) ready in $(($(date +%s) - start)) s"
