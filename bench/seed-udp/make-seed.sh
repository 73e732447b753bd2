#!/bin/bash
# Regenerates the UDP seed: real DTLS and QUIC connections (seed.pcapng), the key log
# that decrypts them (seed.keylog) and what each one is (connections.tsv).
#   sudo bench/seed-udp/make-seed.sh
# Needs root (ip netns), openssl 3.x, gnutls-bin (gnutls-serv, gnutls-cli), ngtcp2's
# GnuTLS examples (gtlsclient, gtlsserver: Debian's ngtcp2-client and ngtcp2-server),
# python3 with aioquic 1.x, dumpcap and tshark. Peers run in two network namespaces
# joined by a veth pair (../../tests/fixtures/netns.sh): client 10.69.0.1, server
# 10.69.0.2; QUIC on UDP 443, DTLS on UDP 4433. One connection at a time, each with a
# fresh server, so the capture's flows are the connections in order.
# Output is NOT byte-reproducible (fresh keys, randoms, timing); the committed files are
# the reference copies.
set -euo pipefail
OUT=${OUT:-$(cd "$(dirname "$0")" && pwd)}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../tests/fixtures/netns.sh"
W=$(mktemp -d /tmp/bench-udp-seed.XXXXXX)
cleanup() { kill $(jobs -p) 2>/dev/null || true; remove_namespaces; rm -rf "$W" "/etc/netns/$cli"; }
trap cleanup EXIT
cd "$W"
CLI_IP=10.69.0.1 SRV_IP=10.69.0.2 QUIC_PORT=443 DTLS_PORT=4433
in_cli() { ip netns exec "$cli" "$@"; }
two_namespaces bus 10.69.0.1 10.69.0.2
# The server's name, for clients that take their SNI from the host they connect to
# (ip netns exec mounts /etc/netns/NS/hosts over /etc/hosts).
mkdir -p "/etc/netns/$cli"
echo "$SRV_IP bench.example" > "/etc/netns/$cli/hosts"
# ngtcp2 sends with UDP GSO: without this the capture holds super-datagrams of many
# QUIC packets, which no network carries.
in_cli ethtool -K bus-c tx-udp-segmentation off >/dev/null 2>&1 || true
ip netns exec "$srv" ethtool -K bus-s tx-udp-segmentation off >/dev/null 2>&1 || true


# --- PKI: trusted CA, untrusted ("rogue") CA, RSA + ECDSA server certificates, a client certificate
O=openssl
subj() { echo "/O=Bench/CN=$1"; }
$O req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "$(subj 'Bench UDP Root CA')" 2>/dev/null
$O req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.pem -days 3650 -subj "$(subj 'Rogue CA')" 2>/dev/null
leaf() { # name keyalg eku san
  local n=$1 alg=$2 eku=$3 san=$4
  if [ "$alg" = rsa ]; then $O req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr -subj "$(subj $n)" 2>/dev/null
  else $O req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key -out $n.csr -subj "$(subj $n)" 2>/dev/null; fi
  printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=%s\n%s\n' "$eku" "$san" > $n.ext
  $O x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -extfile $n.ext -out $n.pem 2>/dev/null
}
leaf server-rsa   rsa serverAuth 'subjectAltName=DNS:bench.example'
leaf server-ecdsa ec  serverAuth 'subjectAltName=DNS:bench.example'
leaf client-rsa   rsa clientAuth ''
mkdir -p "$OUT/pki"; cp ca.pem rogue.pem server-rsa.pem server-ecdsa.pem client-rsa.pem "$OUT/pki/"

# --- capture on the server's side of the veth pair
ip netns exec "$srv" dumpcap -q -B 64 -i bus-s -f "udp port $QUIC_PORT or udp port $DTLS_PORT" -w "$W/seed.pcapng" 2>"$W/dumpcap.err" &
CAP=$!
wait_capturing "$W/dumpcap.err"
: > seed.keylog
: > labels.txt

# Writes BYTES of base64 text in lines of at most 256 bytes, one every 3 ms, after a
# second (once the handshake is done), then stays open a second: each line goes out as
# one record (DTLS records are not split over datagrams), and EOF then closes.
trickle() {
  python3 -c '
import base64, os, sys, time
n = int(sys.argv[1]); time.sleep(1)
data = base64.b64encode(os.urandom(n))[:n]
for i in range(0, n, 255):
    sys.stdout.buffer.write(data[i:i + 255] + b"\n"); sys.stdout.flush(); time.sleep(0.003)
time.sleep(1)' "$1"
}
export -f trickle

# One connection: LABEL, then the server command, --, the client command. The server is
# started fresh and stopped afterwards; its stdin stays open and empty.
conn() {
  local label=$1; shift
  echo "$(date +%T) $label" >&2
  local scmd=() ccmd=()
  while [ "$1" != -- ]; do scmd+=("$1"); shift; done
  shift; ccmd=("$@")
  # The server's stdin: a pipe that stays open and empty until it is stopped.
  exec 3< <(sleep 60)
  local sleeper=$!
  # Not through a function: $! is then the server itself (ip netns exec execs it).
  ip netns exec "$srv" "${scmd[@]}" <&3 >server.log 2>&1 &
  local spid=$!
  exec 3<&-
  sleep 1.2
  in_cli timeout 20 bash -c "${ccmd[*]}" >client.out 2>client.err || true
  sleep 0.5
  kill "$spid" "$sleeper" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  # A record too big for a datagram is not sent (EMSGSIZE): lines read together.
  if grep -q -E 'errno=90|EMSGSIZE' client.err; then echo "$label: a record was too big for a datagram" >&2; fi
  printf '%s\t%s\n' "$label" "$(tail -c 200 client.err | tr '\n\t' '  ')" >> labels.txt
  sleep 0.3
}

KL=$W/seed.keylog
# --- servers
S_DTLS="openssl s_server -dtls -accept $DTLS_PORT -CAfile $W/ca.pem"
S_DTLS_RSA="$S_DTLS -cert $W/server-rsa.pem -key $W/server-rsa.key"
S_DTLS_EC="$S_DTLS -cert $W/server-ecdsa.pem -key $W/server-ecdsa.key"
S_GNUTLS="gnutls-serv --udp --echo -p $DTLS_PORT --x509certfile $W/server-rsa.pem --x509keyfile $W/server-rsa.key"
S_NGTCP2_RSA="gtlsserver -q $SRV_IP $QUIC_PORT $W/server-rsa.key $W/server-rsa.pem"
S_NGTCP2_EC="gtlsserver -q $SRV_IP $QUIC_PORT $W/server-ecdsa.key $W/server-ecdsa.pem"
PEER="$HERE/../../tests/fixtures/quic/quic_peer.py"
S_AIOQUIC="python3 $PEER server $SRV_IP $QUIC_PORT --cert $W/server-rsa.pem --key $W/server-rsa.key --keylog $KL --seconds 60"
# --- clients
C_OSSL="openssl s_client -nocommands -connect $SRV_IP:$DTLS_PORT -servername bench.example -CAfile $W/ca.pem -keylogfile $KL"
C_GNUTLS="SSLKEYLOGFILE=$KL gnutls-cli --udp -p $DTLS_PORT --x509cafile $W/ca.pem --sni-hostname bench.example --verify-hostname bench.example $SRV_IP"
C_NGTCP2="SSLKEYLOGFILE=$KL gtlsclient -q --exit-on-all-streams-close --timeout=5s bench.example $QUIC_PORT"
C_AIOQUIC="python3 $PEER client $SRV_IP $QUIC_PORT --ca $W/ca.pem --keylog $KL --sni bench.example"

# DTLS 1.2, OpenSSL: application data from the client, then close_notify
for n in 1024 65536 196608; do
  conn dtls12-ecdhe-rsa-aes128gcm $S_DTLS_RSA -- "{ trickle $n; } | $C_OSSL -dtls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -quiet -no_ign_eof"
done
for n in 32768 131072; do
  conn dtls12-ecdhe-ecdsa-chacha20 $S_DTLS_EC -- "{ trickle $n; } | $C_OSSL -dtls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305 -quiet -no_ign_eof"
done
conn dtls12-handshake-only $S_DTLS_RSA -- "sleep 1 | $C_OSSL -dtls1_2 -quiet -no_ign_eof"
# DTLS 1.0
conn dtls10-ecdhe-rsa-aes256-sha $S_DTLS_RSA -cipher 'DEFAULT:@SECLEVEL=0' -- \
  "{ trickle 16384; } | $C_OSSL -dtls1 -cipher 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0' -quiet -no_ign_eof"
conn dtls10-handshake-only $S_DTLS_RSA -cipher 'DEFAULT:@SECLEVEL=0' -- \
  "sleep 1 | $C_OSSL -dtls1 -cipher 'DEFAULT:@SECLEVEL=0' -quiet -no_ign_eof"
# mutual DTLS 1.2
conn mdtls12-ecdhe-rsa-aes128gcm $S_DTLS_RSA -Verify 1 -verify_return_error -- \
  "{ trickle 8192; } | $C_OSSL -dtls1_2 -cert $W/client-rsa.pem -key $W/client-rsa.key -quiet -no_ign_eof"
# DTLS 1.2, GnuTLS: the server echoes what the client sends
for n in 65536 131072; do
  conn dtls12-gnutls-echo $S_GNUTLS -- "{ trickle $n; } | $C_GNUTLS"
done
conn dtls12-gnutls-handshake-only $S_GNUTLS -- "sleep 2 | $C_GNUTLS"
# failing DTLS: no client certificate for a server that requires one; a client that
# trusts only the rogue CA (fatal unknown_ca from the client)
conn fail-dtls12-no-client-cert $S_DTLS_RSA -Verify 1 -verify_return_error -- "sleep 1 | $C_OSSL -dtls1_2 -quiet -no_ign_eof"
conn fail-dtls12-unknown-ca $S_DTLS_EC -- \
  "sleep 1 | openssl s_client -nocommands -dtls1_2 -connect $SRV_IP:$DTLS_PORT -servername bench.example -CAfile $W/rogue.pem -verify_return_error -quiet -no_ign_eof"

# QUIC: HTTP/3 GETs of N bytes (ngtcp2's server makes /N of N bytes, so does quic_peer.py)
for n in 1024 65536 262144 393216; do conn quic-ngtcp2-ngtcp2 $S_NGTCP2_RSA -- "$C_NGTCP2 https://bench.example/$n"; done
for n in 16384 131072; do conn quic-ngtcp2-ngtcp2-ecdsa $S_NGTCP2_EC -- "$C_NGTCP2 https://bench.example/$n"; done
for n in 4096 131072 327680; do conn quic-aioquic-ngtcp2 $S_NGTCP2_RSA -- "$C_AIOQUIC --path /$n"; done
for n in 16384 262144; do conn quic-ngtcp2-aioquic $S_AIOQUIC -- "$C_NGTCP2 https://bench.example/$n"; done
for n in 2048 196608; do conn quic-aioquic-aioquic $S_AIOQUIC -- "$C_AIOQUIC --path /$n"; done
# failing QUIC: the client trusts only the rogue CA (CONNECTION_CLOSE with a TLS alert);
# no common ALPN (the server's CRYPTO_ERROR no_application_protocol)
conn fail-quic-unknown-ca $S_NGTCP2_RSA -- "python3 $PEER client $SRV_IP $QUIC_PORT --ca $W/rogue.pem --keylog $KL --sni bench.example"
conn fail-quic-unknown-ca $S_NGTCP2_EC -- "python3 $PEER client $SRV_IP $QUIC_PORT --ca $W/rogue.pem --keylog $KL --sni bench.example"
conn fail-quic-no-alpn $S_NGTCP2_RSA -- "$C_AIOQUIC --alpn hq-interop"

sleep 1
kill -INT $CAP; wait $CAP || true

# The flows in order of their first datagram are the connections in order: their client
# address:port names them in connections.tsv.
tshark -r seed.pcapng -T fields -e udp.stream -e ip.src -e udp.srcport -e ip.dst -e udp.dstport 2>/dev/null |
  awk -F'\t' '!seen[$1]++ { print $2 ":" $3 "\t" $4 ":" $5 }' > flows.txt
if [ "$(wc -l < flows.txt)" != "$(wc -l < labels.txt)" ]; then
  echo "capture has $(wc -l < flows.txt) flows for $(wc -l < labels.txt) connections; run again" >&2; exit 1
fi
paste <(cut -f1 labels.txt) flows.txt <(cut -f2 labels.txt) > connections.tsv
grep -v '^#' seed.keylog | sort -u > seed.keylog.sorted && mv seed.keylog.sorted seed.keylog
chmod 644 seed.pcapng seed.keylog connections.tsv
cp seed.pcapng seed.keylog connections.tsv "$OUT/"
echo "wrote $OUT/seed.pcapng ($(stat -c %s seed.pcapng) bytes), $(wc -l < connections.tsv) connections"
