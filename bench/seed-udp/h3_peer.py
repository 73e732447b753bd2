#!/usr/bin/env python3
"""An aioquic HTTP/3 peer for the UDP benchmark seed (make-seed.sh).

  h3_peer.py server ADDR PORT --cert C --key K [--keylog F] [--seconds S]
      answers GET /N with N bytes (N at most 1 MiB), anything else with 404.
  h3_peer.py client ADDR PORT --ca CA --path /N [--alpn P]... [--keylog F] [--sni NAME]
      GET PATH over HTTP/3 (when the handshake succeeds), then closes.
Key logs are aioquic's secrets logs (NSS key log lines, TLS 1.3 labels).
"""
import argparse
import asyncio
import ssl
import sys

from aioquic.asyncio import connect, serve
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import ProtocolNegotiated, QuicEvent

MAX_BODY = 1 << 20


def body_for(path: bytes) -> bytes | None:
    try:
        n = int(path.lstrip(b"/"))
    except ValueError:
        return None
    if not 0 <= n <= MAX_BODY:
        return None
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/0123456789abcd\n"
    return (line * (n // len(line) + 1))[:n]


class H3Peer(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.h3 = None
        self.received = 0
        self.done = asyncio.get_event_loop().create_future()

    def quic_event_received(self, event: QuicEvent) -> None:
        if isinstance(event, ProtocolNegotiated) and event.alpn_protocol in H3_ALPN:
            self.h3 = H3Connection(self._quic)
        if self.h3 is None:
            return
        for ev in self.h3.handle_event(event):
            if isinstance(ev, HeadersReceived) and not self._quic.configuration.is_client:
                path = dict(ev.headers).get(b":path", b"/")
                body = body_for(path)
                status = b"200" if body is not None else b"404"
                body = body if body is not None else b"not found\n"
                self.h3.send_headers(ev.stream_id, [(b":status", status), (b"content-length", str(len(body)).encode())])
                self.h3.send_data(ev.stream_id, body, end_stream=True)
                self.transmit()
            elif isinstance(ev, DataReceived):
                self.received += len(ev.data)
                if ev.stream_ended and not self.done.done():
                    self.done.set_result(True)

    async def get(self, authority: str, path: str) -> None:
        stream_id = self._quic.get_next_available_stream_id()
        self.h3.send_headers(
            stream_id,
            [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", authority.encode()), (b":path", path.encode())],
            end_stream=True,
        )
        self.transmit()
        await asyncio.wait_for(self.done, 10)


async def run_server(a):
    cfg = QuicConfiguration(is_client=False, alpn_protocols=H3_ALPN)
    cfg.load_cert_chain(a.cert, a.key)
    if a.keylog:
        cfg.secrets_log_file = open(a.keylog, "a")
    await serve(a.addr, a.port, configuration=cfg, create_protocol=H3Peer)
    await asyncio.sleep(a.seconds)


async def run_client(a):
    cfg = QuicConfiguration(is_client=True, alpn_protocols=a.alpn or H3_ALPN, server_name=a.sni)
    cfg.load_verify_locations(a.ca)
    cfg.verify_mode = ssl.CERT_REQUIRED
    if a.keylog:
        cfg.secrets_log_file = open(a.keylog, "a")
    try:
        async with connect(a.addr, a.port, configuration=cfg, create_protocol=H3Peer, wait_connected=True,
                           local_port=a.local_port) as peer:
            if peer.h3 is not None:
                await peer.get(a.sni, a.path)
            print(f"client: received {peer.received} bytes", file=sys.stderr)
            print(peer.received)
    except Exception as e:  # the failing connections end here
        print(f"client: {type(e).__name__}: {e}", file=sys.stderr)
        print(0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["server", "client"])
    p.add_argument("addr")
    p.add_argument("port", type=int)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--ca")
    p.add_argument("--path", default="/1024")
    p.add_argument("--sni", default="bench.example")
    p.add_argument("--alpn", action="append")
    p.add_argument("--keylog")
    p.add_argument("--local-port", type=int, default=0)
    p.add_argument("--seconds", type=float, default=60)
    a = p.parse_args()
    asyncio.run(run_server(a) if a.role == "server" else run_client(a))


if __name__ == "__main__":
    main()
