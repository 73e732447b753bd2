#!/usr/bin/env bash
# Regenerates the fingerprint goldens in tests/golden/fingerprints/ for every capture of
# tests/fixtures/fixtures.tsv (TCP and DTLS), every capture of Wireshark's test suite
# (tests/data/wireshark/captures, no -d) and every QUIC fixture (tests/fixtures/quic,
# -d udp.port==PORT,quic with the port of its .meta; the hellos are in Initial packets,
# which need no keys):
#
#   NAME.ja3.tsv  tshark's JA3 and JA3S (Salesforce's definition), one line per frame
#                 with a ClientHello or ServerHello:
#                 frame <TAB> ja3_full <TAB> ja3 <TAB> ja3s_full <TAB> ja3s
#                 (the tls.* fields, or the dtls.* ones for DTLS; several hellos in one
#                 frame joined with ';'), made with the -d, -o and configuration
#                 directory of make-golden.sh:
#       tshark -r FILE PREFS -d ... -Y 'tls.handshake.type in {1 2} || dtls.handshake.type in {1 2}' \
#              -T fields -e frame.number -e tls.handshake.ja3_full -e tls.handshake.ja3 \
#              -e tls.handshake.ja3s_full -e tls.handshake.ja3s -e dtls.handshake.ja3_full ...
#   NAME.ja4.tsv  JA4, JA4S and JA4X as computed by ja4plus (PyPI, version pinned below;
#                 an implementation of FoxIO's specification by another author), one
#                 line per fingerprint in the order it prints them:
#                 type <TAB> src_port <TAB> dst_port <TAB> fingerprint <TAB> raw
#       ja4plus --format json --types ja4,ja4s,ja4x analyze FILE
#
# tshark 4.0 does not know QUIC v2 draft (quic-v2draft-*): no .ja3.tsv for it.
# Needs tshark (4.0, as the other goldens) and python3 with venv; ja4plus is installed
# from PyPI into a temporary virtual environment unless JA4PLUS names its command.
# Run from anywhere inside the repo: tests/golden/fingerprints/make-fingerprint-golden.sh
set -euo pipefail

ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
FIX="$ROOT/tests/fixtures"
GOLD="$ROOT/tests/golden/fingerprints"
JA4PLUS_VERSION=1.4.0

CONF="$(mktemp -d)"
trap 'rm -rf "$CONF"' EXIT
export WIRESHARK_CONFIG_DIR="$CONF"
PREFS=(-o tls.desegment_ssl_records:TRUE -o tls.desegment_ssl_application_data:TRUE
       -o tcp.desegment_tcp_streams:TRUE -o tcp.reassemble_out_of_order:TRUE)

if [ -z "${JA4PLUS:-}" ]; then
    python3 -m venv "$CONF/venv"
    "$CONF/venv/bin/pip" install --quiet "ja4plus==$JA4PLUS_VERSION"
    JA4PLUS="$CONF/venv/bin/ja4plus"
fi

ja3() {   # ja3 FILE [DECODE-AS]
    local file=$1 name extra=()
    name="$(basename "$file")"
    [ -n "${2:-}" ] && extra=(-d "$2")
    tshark -r "$file" "${PREFS[@]}" "${extra[@]}" \
        -Y 'tls.handshake.type == 1 || tls.handshake.type == 2 || dtls.handshake.type == 1 || dtls.handshake.type == 2' \
        -T fields -e frame.number \
        -e tls.handshake.ja3_full -e tls.handshake.ja3 -e tls.handshake.ja3s_full -e tls.handshake.ja3s \
        -e dtls.handshake.ja3_full -e dtls.handshake.ja3 -e dtls.handshake.ja3s_full -e dtls.handshake.ja3s \
        -E separator=/t -E occurrence=a -E 'aggregator=;' 2>"$CONF/err" \
        | awk -F'\t' -v OFS='\t' '{ for (i = 2; i <= 5; i++) if ($(i + 4) != "") $i = ($i == "" ? $(i + 4) : $i ";" $(i + 4))
                                   print $1, $2, $3, $4, $5 }' \
        >"$GOLD/$name.ja3.tsv" || { cat "$CONF/err" >&2; exit 1; }
}

ja4() {   # ja4 FILE
    local file=$1 name
    name="$(basename "$file")"
    "$JA4PLUS" --format json --types ja4,ja4s,ja4x analyze "$file" 2>"$CONF/err" \
        | python3 -c 'import json, sys
for line in sys.stdin:
    if line.strip():
        f = json.loads(line)
        print("\t".join(str(f[k]) for k in ("type", "src_port", "dst_port", "fingerprint", "raw")))' \
        >"$GOLD/$name.ja4.tsv" || { cat "$CONF/err" >&2; exit 1; }
}

while IFS=$'\t' read -r file port proto _; do
    case "$file" in ''|'#'*) continue ;; esac
    case $proto in
        dtls) ja3 "$FIX/$file" "udp.port==$port,dtls" ;;
        *) ja3 "$FIX/$file" "tcp.port==$port,$proto" ;;
    esac
    ja4 "$FIX/$file"
    printf '%-45s %4d hello frames (tshark), %4d JA4+ (ja4plus)\n' "$(basename "$file")" \
        "$(wc -l <"$GOLD/$(basename "$file").ja3.tsv")" "$(wc -l <"$GOLD/$(basename "$file").ja4.tsv")"
done <"$FIX/fixtures.tsv"

for f in "$FIX"/quic/*.pcapng; do
    [ -e "$f" ] || continue
    case "$f" in
        *v2draft*) ;;
        *) ja3 "$f" "udp.port==$(sed -n 's/^port=//p' "${f%.pcapng}.meta"),quic" ;;
    esac
    ja4 "$f"
    printf '%-45s %4d hello frames (tshark), %4d JA4+ (ja4plus)\n' "$(basename "$f")" \
        "$(cat "$GOLD/$(basename "$f").ja3.tsv" 2>/dev/null | wc -l)" "$(wc -l <"$GOLD/$(basename "$f").ja4.tsv")"
done

# Wireshark's own test captures (tests/data/wireshark/captures): standard ports, no -d.
for f in "$ROOT"/tests/data/wireshark/captures/*; do
    ja3 "$f"
    ja4 "$f"
    printf '%-45s %4d hello frames (tshark), %4d JA4+ (ja4plus)\n' "$(basename "$f")" \
        "$(wc -l <"$GOLD/$(basename "$f").ja3.tsv")" "$(wc -l <"$GOLD/$(basename "$f").ja4.tsv")"
done

{ tshark --version 2>/dev/null | head -1; echo "ja4plus $JA4PLUS_VERSION"; } >"$GOLD/VERSIONS"
