#!/usr/bin/env bash
# Regenerates tests/golden/browser/NAME.events.tsv for the captures of
# tests/fixtures/browser (listed in tests/fixtures/fixtures.tsv): what tshark sees WITH the
# client's key log (NAME.keylog, when the handshake got far enough to have one), one line
# per frame that carries a handshake message, an alert, a FIN or RST, or an HTTP response:
#   frame.number  tcp.stream  tcp.srcport  tcp.flags.fin  tcp.flags.reset
#   tls.handshake.type  tls.alert_message.level  tls.alert_message.desc
#   http.response.code  http2.headers.status
# all occurrences joined with ','. (The keyless goldens, NAME.pcapng.tsv and .info.txt,
# come from make-golden.sh like every fixture's.) Same pinned preferences and empty
# configuration directory as make-golden.sh.
#
# Run from anywhere inside the repo: tests/golden/make-browser-events.sh
set -euo pipefail

ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
FIX="$ROOT/tests/fixtures"
OUT="$ROOT/tests/golden/browser"
mkdir -p "$OUT"

CONF="$(mktemp -d)"
trap 'rm -rf "$CONF"' EXIT
export WIRESHARK_CONFIG_DIR="$CONF"
PREFS=(-o tls.desegment_ssl_records:TRUE -o tls.desegment_ssl_application_data:TRUE
       -o tcp.desegment_tcp_streams:TRUE)
FILTER='tls.handshake.type || tls.alert_message || tcp.flags.fin == 1 || tcp.flags.reset == 1 || http.response || http2.headers.status'
FIELDS=(frame.number tcp.stream tcp.srcport tcp.flags.fin tcp.flags.reset tls.handshake.type
        tls.alert_message.level tls.alert_message.desc http.response.code http2.headers.status)

while IFS=$'\t' read -r file port proto _; do
    case "$file" in browser/*) ;; *) continue ;; esac
    capture="$FIX/$file"
    name="$(basename "$capture" .pcapng)"
    keylog="${capture%.pcapng}.keylog"
    keys=()
    [ -f "$keylog" ] && keys=(-o "tls.keylog_file:$keylog")
    {
        printf '#'; printf ' %s' "${FIELDS[@]}"; printf '\n'
        tshark -r "$capture" "${PREFS[@]}" "${keys[@]}" -d "tcp.port==$port,$proto" -Y "$FILTER" \
            -T fields $(printf -- '-e %s ' "${FIELDS[@]}") -E separator=/t -E occurrence=a -E aggregator=, \
            2>"$CONF/err" || { cat "$CONF/err" >&2; exit 1; }
    } >"$OUT/$name.events.tsv"
    printf '%-40s %4d frames%s\n' "$name" "$(grep -vc '^#' "$OUT/$name.events.tsv")" "${keys:+ (with key log)}"
done <"$FIX/fixtures.tsv"
