#!/usr/bin/env python3
"""Writes the hostile captures that crates/tlsdoctor/tests/hostile.rs runs tlsdoctor on.

    tests/hostile/make-hostile.py                   # the small cases, into tests/hostile/
    tests/hostile/make-hostile.py --small DIR       # the same, into DIR
    tests/hostile/make-hostile.py --big DIR [NAME]  # the large cases (or only NAME), into DIR
    tests/hostile/make-hostile.py --all DIR         # both, into DIR

Python 3 standard library only; the output is a pure function of the fixtures (fixed
timestamps, addresses and sequence numbers, no randomness but a seeded PRNG), so the
committed small cases can be compared byte for byte with a fresh run. Wherever a case
needs a real handshake, its TLS bytes are taken from tests/fixtures/ (records and
handshake messages are spliced into new TCP connections built here); the large cases
(over a few hundred KB each) are only written at test time, into a temporary directory.

Every case, and what tlsdoctor is expected to do with it, is listed in README.md next to
this script.
"""

import gzip
import random
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"

# A fixed capture clock: the second gnutls-tls12.pcapng was captured in (2026-11-27), so
# that the fixtures' certificates are valid at capture time.
EPOCH = 1_795_737_956

# ---------------------------------------------------------------------------------------
# Reading the fixtures


def read_pcapng(data):
    """Frames of a pcapng file as (link_type, bytes); enough for our own fixtures."""
    frames, link_types, off, endian = [], [], 0, "<"
    while off + 12 <= len(data):
        btype = struct.unpack_from(endian + "I", data, off)[0]
        if btype == 0x0A0D0D0A:
            endian = "<" if data[off + 8 : off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            link_types = []
        blen = struct.unpack_from(endian + "I", data, off + 4)[0]
        body = data[off + 8 : off + blen - 4]
        if btype == 1:
            link_types.append(struct.unpack_from(endian + "H", body, 0)[0])
        elif btype == 6:
            iface, _, _, caplen, _ = struct.unpack_from(endian + "IIIII", body, 0)
            frames.append((link_types[iface], body[20 : 20 + caplen]))
        off += blen
    return frames


def pcap_records(data):
    """(offset, caplen) of each record of a little-endian classic pcap file."""
    out, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        out.append((off, caplen))
        off += 16 + caplen
    return out


def tcp_of(link_type, frame):
    """(src, sport, dst, dport, seq, flags, payload) of an Ethernet IPv4/IPv6 TCP frame."""
    assert link_type == 1, "fixtures used here are Ethernet"
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    ip = frame[14:]
    if ethertype == 0x0800:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack_from("!H", ip, 2)[0]
        if ip[9] != 6:
            return None
        src, dst, tcp = ip[12:16], ip[16:20], ip[ihl:total]
    elif ethertype == 0x86DD:
        if ip[6] != 6:
            return None
        plen = struct.unpack_from("!H", ip, 4)[0]
        src, dst, tcp = ip[8:24], ip[24:40], ip[40 : 40 + plen]
    else:
        return None
    sport, dport, seq = struct.unpack_from("!HHI", tcp, 0)
    doff = (tcp[12] >> 4) * 4
    return src, sport, dst, dport, seq, tcp[13], bytes(tcp[doff:])


def fixture_flights(name, server_port):
    """The payload of the first connection to server_port as flights, (side, bytes) in
    capture order, consecutive segments of one side merged (our fixtures have no loss
    and no retransmission)."""
    flights = []
    for link_type, frame in read_pcapng((FIXTURES / name).read_bytes()):
        t = tcp_of(link_type, frame)
        if t is None or not t[6]:
            continue
        _, sport, _, dport, _, _, payload = t
        side = "client" if dport == server_port else "server" if sport == server_port else None
        if side is None:
            continue
        if flights and flights[-1][0] == side:
            flights[-1] = (side, flights[-1][1] + payload)
        else:
            flights.append((side, payload))
    return flights


def stream(flights, side):
    return b"".join(data for s, data in flights if s == side)


def parse_records(stream):
    """(content_type, version, body) of each record of a byte stream."""
    out, off = [], 0
    while off + 5 <= len(stream):
        ctype, version, length = struct.unpack_from("!BHH", stream, off)
        out.append((ctype, version, stream[off + 5 : off + 5 + length]))
        off += 5 + length
    return out


def clear_handshake(stream):
    """The handshake messages (whole, with their 4-byte header) sent in clear, that is
    before the ChangeCipherSpec."""
    buf = b""
    for ctype, _, body in parse_records(stream):
        if ctype == 20:
            break
        if ctype == 22:
            buf += body
    msgs, off = [], 0
    while off + 4 <= len(buf):
        length = int.from_bytes(buf[off + 1 : off + 4], "big")
        msgs.append(buf[off : off + 4 + length])
        off += 4 + length
    return msgs


def certificates(cert_msg):
    """The DER certificates of a TLS 1.2 Certificate message."""
    body = cert_msg[4:]
    total = int.from_bytes(body[0:3], "big")
    out, off = [], 3
    while off < 3 + total:
        n = int.from_bytes(body[off : off + 3], "big")
        out.append(body[off + 3 : off + 3 + n])
        off += 3 + n
    return out


# ---------------------------------------------------------------------------------------
# TLS building blocks


def u24(n):
    return n.to_bytes(3, "big")


def handshake(typ, body):
    return bytes([typ]) + u24(len(body)) + body


def records(ctype, payload, version=0x0303, max_len=16384):
    """payload as records of at most max_len bytes each."""
    out = []
    for off in range(0, max(len(payload), 1), max_len):
        chunk = payload[off : off + max_len]
        out.append(struct.pack("!BHH", ctype, version, len(chunk)) + chunk)
    return b"".join(out)


def certificate_message(ders):
    chain = b"".join(u24(len(d)) + d for d in ders)
    return handshake(11, u24(len(chain)) + chain)


# ---------------------------------------------------------------------------------------
# Writing captures


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
MAC_C, MAC_S = b"\x02\x00\x00\x00\x00\x01", b"\x02\x00\x00\x00\x00\x02"


def ipv4(a):
    return bytes(int(x) for x in a.split("."))


def tcp_frame(src, dst, seq, ack, flags, payload=b"", ip_id=0):
    """An Ethernet/IPv4/TCP frame with correct checksums; src and dst are (ip, port)."""
    (sip, sport), (dip, dport) = src, dst
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
    pseudo = ipv4(sip) + ipv4(dip) + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp + payload)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), ip_id & 0xFFFF, 0x4000, 64, 6, 0,
                     ipv4(sip), ipv4(dip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return MAC_S + MAC_C + b"\x08\x00" + ip + tcp + payload


class Capture:
    """Frames with a capture clock that advances 100 microseconds per frame."""

    def __init__(self, step_us=100):
        self.frames, self.clock_us, self.step_us = [], 0, step_us

    def add(self, data, orig_len=None):
        self.frames.append((self.clock_us, data, orig_len or len(data)))
        self.clock_us += self.step_us

    def pcap(self, link_type=1):
        out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, link_type)]
        for us, data, orig_len in self.frames:
            out.append(struct.pack("<IIII", EPOCH + us // 1_000_000, us % 1_000_000, len(data), orig_len) + data)
        return b"".join(out)

    def pcapng(self, link_type=1):
        def block(btype, body):
            body += b"\0" * (-len(body) % 4)
            return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)

        out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
        out.append(block(1, struct.pack("<HHI", link_type, 0, 262144)))
        for us, data, orig_len in self.frames:
            ts = EPOCH * 1_000_000 + us
            out.append(block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(data), orig_len) + data))
        return b"".join(out)


class Conn:
    """One TCP connection written into a Capture: both sides' sequence numbers are kept,
    and every data segment acknowledges everything the peer sent."""

    def __init__(self, cap, client, server, isn=(1000, 50000), mss=1448):
        self.cap, self.mss = cap, mss
        self.ends = {"client": client, "server": server}
        self.next = {"client": isn[0], "server": isn[1]}

    def other(self, side):
        return "server" if side == "client" else "client"

    def segment(self, side, seq, flags, payload=b""):
        src, dst = self.ends[side], self.ends[self.other(side)]
        ack = self.next[self.other(side)] if flags & ACK else 0
        self.cap.add(tcp_frame(src, dst, seq, ack, flags, payload))

    def handshake(self):
        self.segment("client", self.next["client"] - 1, SYN)
        self.segment("server", self.next["server"] - 1, SYN | ACK)
        self.segment("client", self.next["client"], ACK)

    def send(self, side, data, mss=None):
        mss = mss or self.mss
        for off in range(0, len(data), mss):
            chunk = data[off : off + mss]
            self.segment(side, self.next[side], PSH | ACK, chunk)
            self.next[side] += len(chunk)

    def fin(self, side):
        self.segment(side, self.next[side], FIN | ACK)
        self.next[side] += 1

    def close(self):
        self.fin("client")
        self.fin("server")
        self.segment("client", self.next["client"], ACK)


CLIENT, SERVER = ("10.0.0.1", 50001), ("10.0.0.2", 443)


def replay(cap, streams_in_order, client=CLIENT, server=SERVER, close=True):
    """A new connection carrying `(side, bytes)` flights in this order."""
    conn = Conn(cap, client, server)
    conn.handshake()
    for side, data in streams_in_order:
        conn.send(side, data)
    if close:
        conn.close()
    return conn


# ---------------------------------------------------------------------------------------
# Real material from the fixtures

GNUTLS12 = fixture_flights("gnutls-tls12.pcapng", 24430)
CH = clear_handshake(stream(GNUTLS12, "client"))[0]
SH, CERT, SKE, SHD = clear_handshake(stream(GNUTLS12, "server"))[:4]
assert [m[0] for m in (CH, SH, CERT, SKE, SHD)] == [1, 2, 11, 12, 14]
ECDSA_CERT = certificates(CERT)[0]  # the server's ECDSA P-256 certificate, ~600 bytes

MTLS = fixture_flights("tls12-mtls-large-chain.pcapng", 24420)
# The largest certificate of the client chain of tls12-mtls-large-chain: an RSA-4096
# intermediate, ~1.4 KB.
RSA_CERT = max(certificates(clear_handshake(stream(MTLS, "client"))[1]), key=len)


# ---------------------------------------------------------------------------------------
# The cases


def small_cases():
    """name -> bytes; each small enough to be committed."""
    out = {}
    fixture_pcap = (FIXTURES / "tls12-ecdhe-rsa-aes128gcm.pcap").read_bytes()
    fixture_pcapng = (FIXTURES / "tls12-ecdhe-rsa-aes128gcm.pcapng").read_bytes()
    recs = pcap_records(fixture_pcap)

    # Truncated files: the real pcap cut inside its global header, inside the record
    # header of frame 6 (the ServerHello flight), inside the body of frame 6; the pcapng
    # cut inside the block of frame 6; the gzip'd pcap cut in its middle.
    out["cut-global-header.pcap"] = fixture_pcap[:10]
    out["cut-record-header.pcap"] = fixture_pcap[: recs[5][0] + 7]
    out["cut-packet-body.pcap"] = fixture_pcap[: recs[5][0] + 16 + 100]
    off, n = 0, 0
    while True:  # the 6th enhanced packet block
        btype, blen = struct.unpack_from("<II", fixture_pcapng, off)
        n += btype == 6
        if n == 6:
            break
        off += blen
    out["cut-pcapng-block.pcapng"] = fixture_pcapng[: off + 40]
    out["cut-pcapng-section-header.pcapng"] = fixture_pcapng[:20]
    gz = gzip.compress(fixture_pcap, mtime=0)
    out["cut-gzip.pcap.gz"] = gz[: len(gz) // 2]

    # Not captures, or captures of links nobody decodes.
    out["garbage.pcap"] = bytes(random.Random(6).randrange(256) for _ in range(4096))
    cap = Capture()
    replay(cap, GNUTLS12)
    out["linktype-unknown.pcap"] = cap.pcap(link_type=0xFFFF)
    rnd = random.Random(7)
    garbage = Capture()
    for _ in range(50):
        garbage.add(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200))))
    out["linktype-user0-garbage.pcapng"] = garbage.pcapng(link_type=147)
    out["ethernet-garbage.pcap"] = garbage.pcap(link_type=1)

    # Capture-level lengths pointing past the end: frame 4 of a good conversation
    # announces 2^31 - 1 captured bytes (pcap) or a block of 2^31 bytes (pcapng).
    good = Capture()
    replay(good, GNUTLS12)
    pcap = bytearray(good.pcap())
    r = pcap_records(bytes(pcap))[3][0]
    struct.pack_into("<II", pcap, r + 8, 0x7FFFFFFF, 0x7FFFFFFF)
    out["pcap-caplen-past-end.pcap"] = bytes(pcap)
    ng = bytearray(good.pcapng())
    off, n = 0, 0
    while True:
        btype, blen = struct.unpack_from("<II", ng, off)
        n += btype == 6
        if n == 4:
            break
        off += blen
    struct.pack_into("<I", ng, off + 4, 0x80000000)
    out["pcapng-block-length-past-end.pcapng"] = bytes(ng)

    # IP and TCP lengths pointing past the end: a good conversation with, after each of
    # its frames 4 and 6, a copy whose IPv4 total length, IPv4 header length or TCP data
    # offset points past the frame. The copies are undecodable; the TLS is untouched.
    bad = Capture()
    for i, (us, data, _) in enumerate(good.frames, 1):
        bad.add(data)
        if i in (4, 6):
            d = bytearray(data)
            struct.pack_into("!H", d, 14 + 2, 0xFFFF)  # IPv4 total length
            bad.add(bytes(d))
            d = bytearray(data)
            d[14] = 0x4F  # IHL 15: 60-byte IPv4 header
            bad.add(bytes(d[: 14 + 40]))
            d = bytearray(data[: 14 + 20 + 16])
            d[14 + 20 + 12] = 0xF0  # TCP data offset 15: 60-byte header in 16 bytes
            struct.pack_into("!H", d, 14 + 2, 36)
            bad.add(bytes(d))
    out["ip-tcp-lengths-past-end.pcap"] = bad.pcap()

    # TLS lengths pointing past the end, one connection each, then FIN:
    #  1. the ClientHello record's length says 16384, 100 bytes follow;
    #  2. a record length of 0xFFFF, over what any TLS version allows;
    #  3. the ClientHello's handshake length says 60000, the record holds the real one;
    #  4. the ClientHello's cipher-suites length points past the end of the message.
    tls = Capture()
    ch_rec = records(22, CH, 0x0301)
    cases = [
        ch_rec[:3] + struct.pack("!H", 16384) + ch_rec[5:105],
        ch_rec[:3] + struct.pack("!H", 0xFFFF) + ch_rec[5:],
        ch_rec[:5] + CH[:1] + u24(60000) + CH[4:],
        None,
    ]
    ch = bytearray(CH)
    sid_len = ch[4 + 34]
    struct.pack_into("!H", ch, 4 + 35 + sid_len, 0xFFF0)
    cases[3] = records(22, bytes(ch), 0x0301)
    for i, data in enumerate(cases):
        replay(tls, [("client", data)], client=("10.0.0.1", 50010 + i))
    out["tls-lengths-past-end.pcap"] = tls.pcap()

    # A handshake message declaring 16 MiB - 1 (0xFFFFFF): after the real ClientHello
    # and ServerHello, the server starts a Certificate message of that length, sends
    # 64 KiB of it in full-size records, and the connection ends.
    big = Capture()
    body = bytes(random.Random(8).randrange(256) for _ in range(65536))
    replay(big, [("client", records(22, CH, 0x0301)),
                 ("server", records(22, SH) + records(22, b"\x0b\xff\xff\xff" + body))])
    out["handshake-16mib.pcap"] = big.pcap()

    # A key log with bad lines around one well-formed (but unrelated) secret.
    secret = bytes(random.Random(9).randrange(256) for _ in range(48)).hex()
    out["bad-lines.keylog"] = (
        "# a comment\n"
        "CLIENT_RANDOM " + "00" * 32 + " " + secret + "\n"
        "CLIENT_RANDOM zz" + "00" * 31 + " " + secret + "\n"
        "CLIENT_RANDOM " + "11" * 32 + "\n"
        "NOT_A_LABEL " + "22" * 32 + " " + secret + "\n"
        "CLIENT_RANDOM " + "33" * 31 + " " + secret + "\n"
        "CLIENT_RANDOM " + "44" * 32 + " " + secret[:-1] + "\n"
    ).encode()
    return out


def retransmissions(shifted):
    """10,000 retransmissions of the server's hello flight (1,003 bytes, one segment).
    Same: the flight, then the same segment 10,000 times. Shifted: first 10,000
    overlapping segments starting 1, 2, 3, ... bytes into the flight and running to its
    end, all ahead of a hole (its first byte is missing), then the whole flight, which
    fills the hole. The server's sequence numbers wrap 2^32 on the way."""
    cap = Capture()
    conn = Conn(cap, CLIENT, SERVER, isn=(1000, 2**32 - 500))
    conn.handshake()
    conn.send(*GNUTLS12[0])
    side, flight = GNUTLS12[1]
    start = conn.next[side]
    if not shifted:
        conn.send(side, flight)
    for i in range(10000):
        off = 1 + i % (len(flight) - 1) if shifted else 0
        conn.segment(side, start + off, PSH | ACK, flight[off:])
    if shifted:
        conn.send(side, flight)
    for side, data in GNUTLS12[2:]:
        conn.send(side, data)
    conn.close()
    return cap.pcap()


def chain_1000(der):
    """The gnutls-tls12 conversation with a server Certificate message of 1,000 copies of
    `der`, in 16 KiB records over 1,448-byte segments."""
    cap = Capture()
    flight = records(22, SH) + records(22, certificate_message([der] * 1000)) + records(22, SKE + SHD)
    replay(cap, [GNUTLS12[0], ("server", flight)] + GNUTLS12[2:])
    return cap.pcap()


def syn_flood():
    """50,000 connections that send a SYN and nothing more, 1 ms apart, from 50,000
    client addresses to one server."""
    cap = Capture(step_us=1000)
    for i in range(50000):
        client = ("10.%d.%d.%d" % (1 + i // 65536, (i // 256) % 256, i % 256), 40000 + i % 20000)
        cap.add(tcp_frame(client, SERVER, 7 * i, 0, SYN))
    return cap.pcap()


def one_segment_flood():
    """20,000 connections with one data segment each, no SYN: the first 600 bytes of a
    handshake record that declares 16,197 (a ClientHello whose end never arrives), so
    that each connection holds a partial record."""
    hello = CH[:1] + u24(len(CH) - 4 + 16000) + CH[4:] + b"\0" * 16000
    head = records(22, hello, 0x0301)[:600]
    cap = Capture(step_us=1000)
    for i in range(20000):
        client = ("10.%d.%d.%d" % (100 + i // 65536, (i // 256) % 256, i % 256), 40000 + i % 20000)
        cap.add(tcp_frame(client, SERVER, 1 + i, 1, PSH | ACK, head))
    return cap.pcap()


# The large cases, written at test time only: name -> builder.
BIG = {
    "retrans-10000-same.pcap": lambda: retransmissions(False),
    "retrans-10000-shifted.pcap": lambda: retransmissions(True),
    # The gnutls ECDSA certificate (~720 KB in all, under the default 1 MiB handshake
    # message limit) and the RSA-4096 intermediate of tls12-mtls-large-chain (~1.4 MB,
    # over it); both far under TLS's 2^24.
    "chain-1000-ecdsa.pcap": lambda: chain_1000(ECDSA_CERT),
    "chain-1000-rsa.pcap": lambda: chain_1000(RSA_CERT),
    "syn-flood-50000.pcap": syn_flood,
    "one-segment-20000.pcap": one_segment_flood,
}


def main(argv):
    """[--small | --big | --all] [DIR [NAME...]]"""
    which = "small"
    if argv[:1] and argv[0].startswith("--"):
        which = argv.pop(0)[2:]
    if which not in ("small", "big", "all") or (which != "small" and not argv):
        sys.exit(__doc__)
    out_dir = Path(argv[0]) if argv else HERE
    names = set(argv[1:])
    cases = {}
    if which in ("small", "all"):
        cases.update(small_cases())
    if which in ("big", "all"):
        cases.update({name: build for name, build in BIG.items() if not names or name in names})
    cases = {name: data for name, data in cases.items() if not names or name in names}
    if names - set(cases):
        sys.exit("unknown case(s): %s" % ", ".join(sorted(names - set(cases))))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(cases.items()):
        if callable(data):
            data = data()
        (out_dir / name).write_bytes(data)
        print("%-40s %9d bytes" % (name, len(data)))


if __name__ == "__main__":
    main(sys.argv[1:])
