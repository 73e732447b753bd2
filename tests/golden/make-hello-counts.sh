#!/usr/bin/env bash
# Regenerates tests/golden/hello-counts.tsv: for every capture that carries TLS over TCP,
# how many ClientHello and ServerHello messages tshark finds in it, and how many TCP
# connections (tcp.stream) carry TLS. crates/tlsdoctor/tests/connection_count.rs checks
# tlsdoctor's `diagnose` and `dissect` against these numbers ("every TCP connection that
# carries TLS appears in the report").
#
# Captures, with the decode-as they need (as tests/golden/make-golden.sh does):
#   - tests/fixtures/*.pcap*           -d tcp.port==PORT,PROTO from tests/fixtures/fixtures.tsv
#   - tests/fixtures/diagnose/*.pcapng and samples/*.pcapng
#                                      -d tcp.port==25000-25999,tls (their port range)
#   - tests/data/wireshark/captures/*  no -d; the DTLS and QUIC captures (TLS
#                                      over UDP) are left out.
# No keys are given, but tshark applies the secrets embedded in a pcapng by itself, as
# tlsdoctor does.
#
# Columns: path (relative to the repo root) <TAB> decode-as (or -) <TAB> ClientHello
# messages <TAB> ServerHello messages (HelloRetryRequest included) <TAB> TLS streams.
# Messages are counted per occurrence of tls.handshake.type, not per frame, so two
# hellos in one frame count twice.
#
# Run from anywhere inside the repo: tests/golden/make-hello-counts.sh
set -euo pipefail

ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
OUT="$ROOT/tests/golden/hello-counts.tsv"
WIRESHARK="$ROOT/tests/data/wireshark/captures"

CONF="$(mktemp -d)"
trap 'rm -rf "$CONF"' EXIT
export WIRESHARK_CONFIG_DIR="$CONF"
# Out-of-order segments are put in order, as tlsdoctor does (tshark's default gives up on
# a ClientHello whose second segment came first on a reordering path).
PREFS=(-o tls.desegment_ssl_records:TRUE -o tls.desegment_ssl_application_data:TRUE
       -o tcp.desegment_tcp_streams:TRUE -o tcp.reassemble_out_of_order:TRUE)

count() {   # count FILE DECODE-AS|-
    local file=$1 decode=$2 extra=() rel types ch sh streams
    rel="${file#"$ROOT"/}"
    [ "$decode" != - ] && extra=(-d "$decode")
    types="$(tshark -r "$file" "${PREFS[@]}" "${extra[@]}" -Y 'tls.handshake.type' \
        -T fields -e tls.handshake.type -E occurrence=a -E aggregator=, 2>"$CONF/err")" \
        || { cat "$CONF/err" >&2; exit 1; }
    ch="$(tr ',' '\n' <<<"$types" | grep -cx 1 || true)"
    sh="$(tr ',' '\n' <<<"$types" | grep -cx 2 || true)"
    streams="$(tshark -r "$file" "${PREFS[@]}" "${extra[@]}" -Y 'tls && tcp' -T fields -e tcp.stream \
        2>"$CONF/err" | sort -u | grep -c . || true)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$rel" "$decode" "$ch" "$sh" "$streams"
}

{
    printf '# path\tdecode_as\tclient_hellos\tserver_hellos\ttls_streams\n'
    while IFS=$'\t' read -r file port proto _; do
        case "$file" in ''|'#'*) continue ;; esac
        # TLS over TCP only: DTLS and QUIC have goldens of their own.
        case "$proto" in dtls|quic) continue ;; esac
        count "$ROOT/tests/fixtures/$file" "tcp.port==$port,$proto"
    done <"$ROOT/tests/fixtures/fixtures.tsv"
    for f in "$ROOT"/tests/fixtures/diagnose/*.pcapng "$ROOT"/samples/*.pcapng; do
        [ -e "$f" ] && count "$f" "tcp.port==25000-25999,tls"
    done
    for f in "$WIRESHARK"/*; do
        case "$(basename "$f")" in *dtls*|quic-*) continue ;; esac
        count "$f" -
    done
} >"$OUT"
tshark --version 2>/dev/null | head -1 | sed 's/^/# /' >>"$OUT"
echo "wrote $OUT ($(grep -vc '^#' "$OUT") captures)"
