#!/usr/bin/env bash
# Regenerates the tshark golden files in tests/golden/ from
#   - every capture listed in tests/fixtures/fixtures.tsv (our real-peer fixtures), and
#   - every capture in tests/data/wireshark/captures (Wireshark's own test captures).
#
# For each capture FILE two goldens are written:
#   FILE.tsv       frame.number <TAB> tls.handshake.type <TAB> tls.record.content_type,
#                  one line per frame that has any TLS or DTLS (-Y 'tls || dtls'; the
#                  dtls.* fields go in the same columns), repeated values joined
#                  with ',' (-E occurrence=a -E aggregator=,)
#   FILE.info.txt  tshark's default one-line summary of those frames (Info column)
# No keys are passed: the goldens show what is decodable without secrets.
# Fixtures use private ports (24400-24499), so each gets -d tcp.port==PORT,PROTO with
# PROTO from fixtures.tsv (tls, or smtp/imap/ftp for the STARTTLS captures); the DTLS
# fixtures (PROTO dtls, tests/fixtures/dtls) get -d udp.port==PORT,dtls.
#
# Run from anywhere inside the repo: tests/golden/make-golden.sh
set -euo pipefail

ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
FIX="$ROOT/tests/fixtures"
GOLD="$ROOT/tests/golden"
WIRESHARK="$ROOT/tests/data/wireshark/captures"

# A private, empty configuration directory: personal Wireshark preferences, decode-as
# tables or disabled protocols must not leak into the goldens.
CONF="$(mktemp -d)"
trap 'rm -rf "$CONF"' EXIT
export WIRESHARK_CONFIG_DIR="$CONF"

# The preferences that matter, pinned to their (default) values.
# Out-of-order segments are put in order, as tlsdoctor does (tshark's default gives up on
# a ClientHello whose second segment came first on a reordering path).
PREFS=(-o tls.desegment_ssl_records:TRUE -o tls.desegment_ssl_application_data:TRUE
       -o tcp.desegment_tcp_streams:TRUE -o tcp.reassemble_out_of_order:TRUE)

golden() {   # golden FILE [DECODE-AS]
    local file=$1 decode=${2:-} name extra=()
    name="$(basename "$file")"
    [ -n "$decode" ] && extra=(-d "$decode")
    # DTLS's fields are merged into TLS's columns (a capture holds one or the other).
    tshark -r "$file" "${PREFS[@]}" "${extra[@]}" -Y 'tls || dtls' \
        -T fields -e frame.number -e tls.handshake.type -e tls.record.content_type \
        -e dtls.handshake.type -e dtls.record.content_type \
        -E separator=/t -E occurrence=a -E aggregator=, 2>"$CONF/err" \
        | awk -F'\t' -v OFS='\t' '{ h = $2; if ($4 != "") h = (h == "" ? $4 : h "," $4)
                                   c = $3; if ($5 != "") c = (c == "" ? $5 : c "," $5)
                                   print $1, h, c }' \
        >"$GOLD/$name.tsv" || { cat "$CONF/err" >&2; exit 1; }
    tshark -r "$file" "${PREFS[@]}" "${extra[@]}" -Y 'tls || dtls' \
        >"$GOLD/$name.info.txt" 2>"$CONF/err" || { cat "$CONF/err" >&2; exit 1; }
    printf '%-45s %5d TLS frames%s\n' "$name" "$(wc -l <"$GOLD/$name.tsv")" \
        "${decode:+  (-d $decode)}"
}

# Our fixtures: fixtures.tsv columns are file, port, decode_as, peers, scenario.
seen=()
while IFS=$'\t' read -r file port proto _; do
    case "$file" in ''|'#'*) continue ;; esac
    [ -f "$FIX/$file" ] || { echo "missing fixture $FIX/$file" >&2; exit 1; }
    case $proto in
        dtls) golden "$FIX/$file" "udp.port==$port,dtls" ;;
        *) golden "$FIX/$file" "tcp.port==$port,$proto" ;;
    esac
    seen+=("$file")
done <"$FIX/fixtures.tsv"
for f in "$FIX"/*.pcap "$FIX"/*.pcapng; do
    [ -e "$f" ] || continue
    case " ${seen[*]} " in *" $(basename "$f") "*) ;; *)
        echo "warning: $(basename "$f") is not listed in fixtures.tsv; no golden" >&2 ;;
    esac
done

# Wireshark's test captures (standard or heuristically detected ports: no -d).
for f in "$WIRESHARK"/*; do golden "$f"; done

tshark --version 2>/dev/null | head -1 >"$GOLD/TSHARK_VERSION"
