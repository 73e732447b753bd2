#!/usr/bin/env bash
# Seeds fuzz/corpus/TARGET from the project's real captures (each at most 256 KiB):
#   capture_reader, end_to_end  whole captures
#   tls_stream                  both directions' TCP payload, in tls_stream's step format
#   tls_messages                clear-text handshake messages (type, version, suite, side, body)
#   dtls_datagrams              the UDP payloads of the DTLS captures, in its step format
#   x509                        certificates (DER)
#   net_decode                  frames (link selector byte, then 2-byte length + frame)s
#   quic_packets                the UDP payloads of the QUIC captures (tests/fixtures/quic,
#                               Wireshark's quic-*), in quic_packets' step format
#   keylog                      the key logs under tests/ (*.keylog, *.keys, *keylog*, which
#                               takes in Wireshark's), plus hand-written bad lines
# All but capture_reader, end_to_end and keylog need tshark and python3; they are skipped
# without them.
# tcp_reassembly starts from an empty corpus. Usage: fuzz/seed-corpora.sh (safe to re-run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
corpus="$here/corpus"
mkdir -p "$corpus"/{capture_reader,end_to_end,net_decode,tcp_reassembly,tls_stream,tls_messages,x509,keylog,dtls_datagrams,quic_packets}

captures=()
for f in "$repo"/tests/fixtures/*.pcap "$repo"/tests/fixtures/*.pcapng \
         "$repo"/tests/data/wireshark/captures/*; do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 262144 ] && captures+=("$f")
done
for f in "${captures[@]}"; do
    cp "$f" "$corpus/capture_reader/"
    cp "$f" "$corpus/end_to_end/"
done
echo "capture_reader, end_to_end: ${#captures[@]} captures"

# Key logs: named by their path (fixtures in different directories share names).
nkeys=0
while IFS= read -r -d '' f; do
    [ "$(stat -c %s "$f")" -le 262144 ] || continue
    rel=${f#"$repo"/}
    cp "$f" "$corpus/keylog/$(printf '%s' "$rel" | tr '/' '_')"
    nkeys=$((nkeys + 1))
done < <(find "$repo/tests" \( -name '*.keylog' -o -name '*.keys' -o -name '*keylog*' \) -type f -print0)
r1=0101010101010101010101010101010101010101010101010101010101010101
s32=$(printf '11%.0s' $(seq 32))
s48=$(printf '22%.0s' $(seq 48))
kl="$corpus/keylog"
printf 'CLIENT_RANDOM %s %s\r\n# comment\n\n  \t\nCLIENT_RANDOM %s 2222\n' "$r1" "$s48" "$r1" > "$kl/hand-crlf-short-secret"
printf 'CLIENT_RANDOM %s\nCLIENT_RANDOM %s %s extra\nCLIENT_RANDOM\n' "$r1" "$r1" "$s48" > "$kl/hand-field-counts"
printf 'BOGUS_LABEL %s %s\n%s%s\nclient_random %s %s\n' "$r1" "$s48" "$s48" "$s48" "$r1" "$s48" > "$kl/hand-labels"
printf 'CLIENT_TRAFFIC_SECRET_1 %s %s\nSERVER_TRAFFIC_SECRET_N %s %s\nCLIENT_TRAFFIC_SECRET_0 %s %s\nSERVER_TRAFFIC_SECRET_x %s %s\n' \
    "$r1" "$s32" "$r1" "$s32" "$r1" "$s32" "$r1" "$s32" > "$kl/hand-keyupdate"
printf 'RSA 0123456789abcdef %s\nRSA 0123456789abcd %s\nRSA 0123456789abcdef 22\nRSA zz23456789abcdef %s\n' \
    "$s48" "$s48" "$s48" > "$kl/hand-rsa"
printf 'EXPORTER_SECRET %s %s\nEARLY_EXPORTER_SECRET %s %s\nCLIENT_EARLY_TRAFFIC_SECRET %s 1\nSERVER_HANDSHAKE_TRAFFIC_SECRET %s %s\n' \
    "$r1" "$s48" "$r1" "$s32" "$r1" "${r1:0:62}" "${s32}11" > "$kl/hand-tls13-lengths"
printf 'CLIENT_RANDOM\t%s\t%s\x0b\nCLIENT_RANDOM %s \xff\xfe%s\n\xef\xbb\xbfCLIENT_RANDOM %s %s' \
    "$r1" "$s48" "$r1" "${s48:4}" "$r1" "$s48" > "$kl/hand-bytes"
echo "keylog: $nkeys key logs and 7 hand-written ones"

if ! command -v tshark >/dev/null || ! command -v python3 >/dev/null; then
    echo "tshark or python3 not found: only whole-capture seeds written"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/streams.py" <<'PY'
import os, sys
corpus, name = sys.argv[1], sys.argv[2]
streams = {}
for line in sys.stdin:
    cols = line.rstrip("\n").split("\t")
    if len(cols) < 4:
        continue
    frame, certs, port, payload = cols[:4]
    if payload:
        streams.setdefault(port, bytearray()).extend(bytes.fromhex(payload.replace(":", "")))
    for i, cert in enumerate(c for c in certs.split(",") if c):
        with open(os.path.join(corpus, "x509", f"{name}-{frame}-{i}"), "wb") as out:
            out.write(bytes.fromhex(cert.replace(":", "")))
# Clear-text handshake messages: walk each direction's records from its start.
for port, data in streams.items():
    p, hs = 0, bytearray()
    while p + 5 <= len(data) and data[p] in (20, 21, 22, 23):
        ln = int.from_bytes(data[p + 3:p + 5], "big")
        if data[p] == 22:
            hs += data[p + 5:p + 5 + ln]
        p += 5 + ln
    q, n = 0, 0
    while q + 4 <= len(hs):
        typ, ln = hs[q], int.from_bytes(hs[q + 1:q + 4], "big")
        body = hs[q + 4:q + 4 + ln]
        if len(body) < ln or typ > 30:
            break
        seed = bytes([typ, 4, 0xC0, 0x2F, int(int(port) < 1024)]) + body
        with open(os.path.join(corpus, "tls_messages", f"{name}-{port}-{n}"), "wb") as out:
            out.write(seed)
        q, n = q + 4 + ln, n + 1
# tls_stream: a setup byte, then (control, bytes) steps alternating the two sides.
ports = list(streams)
if len(ports) == 2:
    out = bytearray([0x87])
    pos = {port: 0 for port in ports}
    side = 0
    while any(pos[p] < len(streams[p]) for p in ports):
        port = ports[side]
        chunk = streams[port][pos[port]:pos[port] + 504]
        out += bytes([((len(chunk) + 7) // 8) << 2 | side]) + chunk
        pos[port] += len(chunk)
        side ^= 1
    with open(os.path.join(corpus, "tls_stream", name), "wb") as f:
        f.write(out)
PY

cat > "$work/frames.py" <<'PY'
import struct, sys
# A classic pcap on stdin -> net_decode's input: link selector, then (length, frame)s.
LINKS = {0: 0, 1: 1, 101: 2, 108: 3, 113: 4, 228: 5, 229: 6, 276: 7}
data = sys.stdin.buffer.read()
if len(data) < 24:
    sys.exit(0)
order = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
link = struct.unpack(order + "I", data[20:24])[0]
if link not in LINKS:
    sys.exit(0)
out, p = bytearray([LINKS[link]]), 24
while p + 16 <= len(data):
    caplen = struct.unpack(order + "I", data[p + 8:p + 12])[0]
    frame = data[p + 16:p + 16 + caplen][:65535]
    out += len(frame).to_bytes(2, "big") + frame
    p += 16 + caplen
sys.stdout.buffer.write(out)
PY

for f in "${captures[@]}"; do
    name=$(basename "$f")
    # Only single-connection captures make tls_stream seeds (two ports).
    tshark -r "$f" -Y tcp -T fields -e frame.number -e tls.handshake.certificate \
        -e tcp.srcport -e tcp.payload -E occurrence=a -E aggregator=, 2>/dev/null |
        python3 "$work/streams.py" "$corpus" "$name" || echo "$name: no stream seeds"
    tshark -r "$f" -F pcap -w - 2>/dev/null |
        python3 "$work/frames.py" > "$corpus/net_decode/$name" || true
    [ -s "$corpus/net_decode/$name" ] || rm -f "$corpus/net_decode/$name"
done
# dtls_datagrams: a setup byte, then (side, 2-byte length, datagram) steps; the side is
# the lower port's (the server's in these captures) or not. Our DTLS fixtures
# (tests/fixtures/dtls, on a private port) are fed with the target's DTLS 1.3 opener on.
cat > "$work/datagrams.py" <<'PY'
import sys
setup = int(sys.argv[1], 0) if len(sys.argv) > 1 else 0x0e
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
rows = [r for r in rows if len(r) >= 3 and r[2]]
if rows:
    server = min(int(r[0]) for r in rows)
    out = bytearray([setup])
    for src, dst, payload in (r[:3] for r in rows):
        b = bytes.fromhex(payload.replace(":", ""))
        out += bytes([int(int(src) == server)]) + len(b).to_bytes(2, "big") + b
    sys.stdout.buffer.write(out)
PY
for f in "${captures[@]}"; do
    name=$(basename "$f")
    tshark -r "$f" -Y dtls -T fields -e udp.srcport -e udp.dstport -e udp.payload 2>/dev/null |
        python3 "$work/datagrams.py" > "$corpus/dtls_datagrams/$name" || true
    [ -s "$corpus/dtls_datagrams/$name" ] || rm -f "$corpus/dtls_datagrams/$name"
done
for f in "$repo"/tests/fixtures/dtls/*.pcapng; do
    name=$(basename "$f")
    tshark -r "$f" -d udp.port==25701,dtls -d udp.port==25702,dtls -Y dtls -T fields \
        -e udp.srcport -e udp.dstport -e udp.payload 2>/dev/null |
        python3 "$work/datagrams.py" 0x1e > "$corpus/dtls_datagrams/$name" || true
    [ -s "$corpus/dtls_datagrams/$name" ] || rm -f "$corpus/dtls_datagrams/$name"
done
# quic_packets: (control, 2-byte length, payload) per datagram; control bit 0 is set for
# datagrams from the lower port (the server's).
cat > "$work/quic.py" <<'PY'
import os, sys
out_path = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
rows = [r for r in rows if len(r) >= 3 and r[2]]
out = bytearray()
for sport, dport, payload in rows:
    data = bytes.fromhex(payload.replace(":", ""))[:65535]
    out += bytes([int(int(sport) < int(dport))]) + len(data).to_bytes(2, "big") + data
if out:
    with open(out_path, "wb") as f:
        f.write(out)
PY
for f in "$repo"/tests/fixtures/quic/*.pcapng "$repo"/tests/data/wireshark/captures/quic-*; do
    [ -f "$f" ] || continue
    tshark -r "$f" -Y udp -T fields -e udp.srcport -e udp.dstport -e udp.payload 2>/dev/null |
        python3 "$work/quic.py" "$corpus/quic_packets/$(basename "$f")"
done
for t in "$corpus"/*; do
    echo "$(basename "$t"): $(find "$t" -type f | wc -l) seeds"
done
