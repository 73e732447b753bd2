#!/usr/bin/env bash
# Regenerates the QUIC goldens: for each capture, the frames in which tshark shows TLS
# handshake messages (carried in QUIC CRYPTO frames) and their types:
#   tshark -r FILE [-o tls.keylog_file:KEYLOG] [-d udp.port==PORT,quic] -Y tls.handshake.type \
#          -T fields -e frame.number -e tls.handshake.type -E occurrence=a -E aggregator=,
# Captures with decryption-secrets blocks carry their own keys; fixtures made by
# tests/fixtures/quic/make-quic-fixtures.sh have a .keylog beside them.
# and the CONNECTION_CLOSE frames (frame, frame type 28/29, transport error code,
# application error code, TLS alert of a CRYPTO_ERROR):
#   tshark ... -Y 'quic.frame_type == 0x1c || quic.frame_type == 0x1d' -T fields -e frame.number \
#          -e quic.frame_type -e quic.cc.error_code -e quic.cc.error_code.app \
#          -e quic.cc.error_code.tls_alert -E occurrence=a -E aggregator=,
#   of whose frame types only the CONNECTION_CLOSE ones (28, 29) are kept: tshark lists
#   every frame of the datagram (an ACK beside the close, say).
# Output: tests/golden/quic/CAPTURE.handshakes.tsv and CAPTURE.closes.tsv. Run from
# anywhere inside the repo.
set -euo pipefail
ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
GOLD="$ROOT/tests/golden/quic"
CONF="$(mktemp -d)"
trap 'rm -rf "$CONF"' EXIT
export WIRESHARK_CONFIG_DIR="$CONF"

golden() {   # golden FILE [KEYLOG] [PORT]
    local file=$1 keylog=${2:-} port=${3:-} extra=()
    [ -n "$keylog" ] && extra+=(-o "tls.keylog_file:$keylog")
    [ -n "$port" ] && extra+=(-d "udp.port==$port,quic")
    tshark -r "$file" "${extra[@]}" -Y tls.handshake.type \
        -T fields -e frame.number -e tls.handshake.type -E occurrence=a -E aggregator=, \
        >"$GOLD/$(basename "$file").handshakes.tsv" 2>"$CONF/err" || { cat "$CONF/err" >&2; exit 1; }
    tshark -r "$file" "${extra[@]}" -Y 'quic.frame_type == 0x1c || quic.frame_type == 0x1d' \
        -T fields -e frame.number -e quic.frame_type -e quic.cc.error_code -e quic.cc.error_code.app \
        -e quic.cc.error_code.tls_alert -E occurrence=a -E aggregator=, 2>"$CONF/err" \
        | awk -F'\t' -v OFS='\t' '{ n = split($2, t, ","); $2 = ""
              for (i = 1; i <= n; i++) if (t[i] == 28 || t[i] == 29) $2 = $2 ($2 == "" ? "" : ",") t[i]
              print }' >"$GOLD/$(basename "$file").closes.tsv" || { cat "$CONF/err" >&2; exit 1; }
    printf '%-45s %4d frames with handshake messages, %d with CONNECTION_CLOSE\n' "$(basename "$file")" \
        "$(wc -l <"$GOLD/$(basename "$file").handshakes.tsv")" "$(wc -l <"$GOLD/$(basename "$file").closes.tsv")"
}

golden "$ROOT/tests/data/wireshark/captures/quic-fragmented-handshakes.pcapng.gz"
for f in "$ROOT"/tests/fixtures/quic/*.pcapng; do
    [ -e "$f" ] || continue
    # tshark 4.0 does not know QUIC v2 draft (0x709a50c4): nothing to compare with.
    case "$f" in *v2draft*) continue ;; esac
    port=$(sed -n 's/^port=//p' "${f%.pcapng}.meta" 2>/dev/null || true)
    golden "$f" "${f%.pcapng}.keylog" "$port"
done
