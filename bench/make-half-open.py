#!/usr/bin/env python3
"""A hostile load for the memory bound (issue 5): N connections (default 1,000,000) that
each send a SYN and one 100-byte segment, and never finish. Half of the segments start a
TLS handshake message that declares 16 MiB (0xFFFFFF bytes); the other half a 16 KiB
record that never completes, so every connection would hold a partial record if the
tool kept them all. Clients are 10.x.y.z:40000-59999, the server 192.0.2.1:443, 20 us
apart. Checksums are correct.

    bench/make-half-open.py OUT.pcap [N]
"""
import struct
import sys

EPOCH = 1_780_000_000
SERVER = bytes([192, 0, 2, 1])
MAC = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
SYN, PSH_ACK = 0x02, 0x18


def fold(total):
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def sum16(data):
    if len(data) % 2:
        data += b"\0"
    return sum(struct.unpack("!%dH" % (len(data) // 2), data))


def frame(client, port, seq, ack, flags, payload, payload_sum):
    tcp = struct.pack("!HHIIBBHHH", port, 443, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = client + SERVER + struct.pack("!BBH", 0, 6, 20 + len(payload))
    tcp_sum = 0xFFFF ^ fold(sum16(pseudo) + sum16(tcp) + payload_sum)
    tcp = tcp[:16] + struct.pack("!H", tcp_sum) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0, client, SERVER)
    ip = ip[:10] + struct.pack("!H", 0xFFFF ^ fold(sum16(ip))) + ip[12:]
    return MAC + ip + tcp + payload


def main(out_path, n):
    # A ClientHello header declaring 2^24 - 1 bytes, in a record of 95 bytes.
    huge = b"\x16\x03\x01" + struct.pack("!H", 95) + b"\x01\xff\xff\xff" + b"\x03\x03" + bytes(89)
    # A ClientHello of 16,000 bytes in a 16,004-byte record, of which 95 bytes come.
    partial = b"\x16\x03\x01" + struct.pack("!H", 16004) + b"\x01\x00\x3e\x80" + b"\x03\x03" + bytes(89)
    payloads = [(huge, sum16(huge)), (partial, sum16(partial))]
    with open(out_path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        us = 0
        for i in range(n):
            client = bytes([10, i >> 16 & 0xFF, i >> 8 & 0xFF, i & 0xFF])
            port = 40000 + i % 20000
            isn = (i * 7919) & 0xFFFFFFFF
            payload, payload_sum = payloads[i % 2]
            for data in (frame(client, port, isn, 0, SYN, b"", 0),
                         frame(client, port, (isn + 1) & 0xFFFFFFFF, 1, PSH_ACK, payload, payload_sum)):
                out.write(struct.pack("<IIII", EPOCH + us // 1_000_000, us % 1_000_000, len(data), len(data)))
                out.write(data)
                us += 20


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 1_000_000)
