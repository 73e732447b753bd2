#!/usr/bin/env python3
"""Extracts TLS records and hello fields from Wireshark's test captures for the
tlsdoctor-keys tests. Needs tshark. Run from this directory:

    python3 gen_records.py /path/to/testdata/wireshark/captures

For each capture it writes NAME.records (text, one item a line):

    conn STREAM client_random=HEX server_random=HEX version=HEX suite=HEX ems=0|1 etm=0|1 cke=HEX
    rec STREAM c|s FRAME TYPE VERSION BODYHEX

TCP payloads are ordered by sequence number per direction (retransmissions dropped)
and cut into records here, so the tests need no capture parser. At most MAX_RECORDS
records per direction are kept.
"""
import subprocess, sys, os, struct

MAX_RECORDS = 16
CAPTURES = [
    "tls13-rfc8446.pcap",
    "tls12-chacha20poly1305.pcap",
    "tls12-aes128ccm.pcap",
    "tls12-aes256gcm.pcap",
    "dhe1.pcapng.gz",
    "rsasnakeoil2.pcap",
    "rsa-p-lt-q.pcap",
    "dmgr.pcapng",
    "tls12-dsb.pcapng",
]


def segments(path):
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "tcp.relative_sequence_numbers:TRUE", "-T", "fields",
         "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.dstport",
         "-e", "tcp.seq", "-e", "tcp.payload", "-Y", "tcp.len > 0"],
        capture_output=True, text=True, check=True).stdout
    streams = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6 or not f[5]:
            continue
        frame, stream, sport, dport, seq = int(f[0]), int(f[1]), int(f[2]), int(f[3]), int(f[4])
        payload = bytes.fromhex(f[5].replace(":", ""))
        st = streams.setdefault(stream, {"first_src": sport, "dirs": {}})
        d = "c" if sport == st["first_src"] else "s"
        st["dirs"].setdefault(d, []).append((seq, frame, payload))
    return streams


def records(segs):
    """Reassembles one direction and cuts it into records (frame = last segment)."""
    buf = b""
    frames = []
    next_seq = None
    for seq, frame, payload in sorted(segs, key=lambda s: s[0]):
        if next_seq is not None and seq < next_seq:
            skip = next_seq - seq
            if skip >= len(payload):
                continue
            payload = payload[skip:]
            seq = next_seq
        buf += payload
        frames.append((len(buf), frame))
        next_seq = seq + len(payload)
    recs = []
    at = 0
    if len(buf) >= 2 and buf[0] & 0x80:
        # SSL 2.0-format ClientHello (two-byte header): kept as type 128, version 0002.
        ln = ((buf[0] & 0x7f) << 8) | buf[1]
        end = 2 + ln
        frame = next(f for e, f in frames if e >= end)
        recs.append((frame, 128, "0002", buf[2:end]))
        at = end
    while at + 5 <= len(buf):
        typ, ver, ln = buf[at], buf[at + 1:at + 3], struct.unpack(">H", buf[at + 3:at + 5])[0]
        if at + 5 + ln > len(buf):
            break
        end = at + 5 + ln
        frame = next(f for e, f in frames if e >= end)
        recs.append((frame, typ, ver.hex(), buf[at + 5:end]))
        at = end
    return recs


def hello_fields(crecs, srecs):
    info = {}
    def handshakes(recs):
        data = b""
        for _, typ, _, body in recs:
            if typ == 128 and body[:1] == b"\x01":
                cs, sid, ch = (int.from_bytes(body[i:i + 2], "big") for i in (3, 5, 7))
                challenge = body[9 + cs + sid:9 + cs + sid + ch]
                info["client_random"] = (b"\x00" * (32 - len(challenge)) + challenge).hex()
                continue
            if typ == 20:
                break
            if typ == 22:
                data += body
        msgs = []
        at = 0
        while at + 4 <= len(data):
            t = data[at]
            ln = int.from_bytes(data[at + 1:at + 4], "big")
            msgs.append((t, data[at + 4:at + 4 + ln]))
            at += 4 + ln
        return msgs
    for t, body in handshakes(crecs):
        if t == 1:
            info["client_random"] = body[2:34].hex()
        if t == 16:
            info["cke"] = body.hex()
    for t, body in handshakes(srecs):
        if t == 2:
            info["version"] = body[0:2].hex()
            info["server_random"] = body[2:34].hex()
            sid = body[34]
            at = 35 + sid
            info["suite"] = body[at:at + 2].hex()
            at += 3
            exts = []
            if at + 2 <= len(body):
                end = at + 2 + int.from_bytes(body[at:at + 2], "big")
                at += 2
                while at + 4 <= end:
                    et = int.from_bytes(body[at:at + 2], "big")
                    el = int.from_bytes(body[at + 2:at + 4], "big")
                    if et == 43:
                        info["version"] = body[at + 4:at + 6].hex()
                    exts.append(et)
                    at += 4 + el
            info["ems"] = "1" if 23 in exts else "0"
            info["etm"] = "1" if 22 in exts else "0"
            break
    return info


def main():
    capdir = sys.argv[1]
    for name in CAPTURES:
        streams = segments(os.path.join(capdir, name))
        lines = [f"# generated by gen_records.py from {name}"]
        for sid in sorted(streams):
            dirs = streams[sid]["dirs"]
            crecs = records(dirs.get("c", []))
            srecs = records(dirs.get("s", []))
            info = hello_fields(crecs, srecs)
            lines.append(f"conn {sid} " + " ".join(f"{k}={v}" for k, v in sorted(info.items())))
            for d, recs in (("c", crecs), ("s", srecs)):
                for frame, typ, ver, body in recs[:MAX_RECORDS]:
                    lines.append(f"rec {sid} {d} {frame} {typ} {ver} {body.hex()}")
        base = name.split(".")[0]
        with open(base + ".records", "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
