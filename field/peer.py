#!/usr/bin/env python3
"""The field corpus's own peers on Python's ssl module (OpenSSL 3): a threaded HTTPS server
that logs every connection's handshake outcome as a JSON line (the ground truth of the
connections whose clients are killed or stalled), a server that reads and never answers,
and a client (one connection) for the Python rows of the mix.

  peer.py server PORT --pki DIR --config CONFIG --log FILE [--handshake-timeout S]
  peer.py stall PORT --log FILE
  peer.py client ADDR PORT --sni NAME --ca CA [--cert C --key K] [--max-version V] ...  (httpx)
Server configs are those of servers.py: good, expired, mtls, strict, sni.
"""
import argparse
import json
import os
import socket
import ssl
import sys
import threading
import time

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"


def server_context(pki, config):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert = "expired" if config == "expired" else "server"
    ctx.load_cert_chain(f"{pki}/{cert}.pem", f"{pki}/{cert}.key")
    if config == "mtls":
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(f"{pki}/ca.pem")
    if config == "strict":
        ctx.set_ciphers("ECDHE+AESGCM")
    if config == "sni":
        def refuse_unknown(tls, name, _ctx):
            if name != "app.example":
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            return None
        ctx.sni_callback = refuse_unknown
    return ctx


class Log:
    """One JSON object a line, written whole under a lock."""

    def __init__(self, path):
        self.file = open(path, "a", buffering=1)
        self.lock = threading.Lock()

    def write(self, **record):
        with self.lock:
            self.file.write(json.dumps(record) + "\n")


def serve_one(ctx, raw, log, timeout):
    local, peer = raw.getsockname(), raw.getpeername()
    record = {"server": local[0], "server_port": local[1], "client": peer[0], "client_port": peer[1]}
    raw.settimeout(timeout)
    try:
        tls = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError) as e:
        log.write(**record, handshake="failed", error=f"{type(e).__name__}: {e}")
        raw.close()
        return
    record.update(handshake="ok", version=tls.version())
    try:
        data = tls.recv(4096)
        if data:
            tls.sendall(RESPONSE)
            tls.unwrap()
        record["request_bytes"] = len(data)
    except (ssl.SSLError, OSError) as e:
        # After the handshake: a client that refuses the session (TLS 1.3 client auth) or goes.
        record["after"] = f"{type(e).__name__}: {e}"
    log.write(**record)
    tls.close()


def server(a):
    ctx = server_context(a.pki, a.config)
    log = Log(a.log)
    with socket.create_server(("0.0.0.0", a.port), backlog=512, reuse_port=True) as listener:
        while True:
            raw, _ = listener.accept()
            threading.Thread(target=serve_one, args=(ctx, raw, log, a.handshake_timeout), daemon=True).start()


def stall(a):
    """Reads the ClientHello and never answers: the client's idle timeout ends it."""
    log = Log(a.log)

    def hold(raw):
        local, peer = raw.getsockname(), raw.getpeername()
        raw.settimeout(30)
        try:
            got = raw.recv(65536)
            while raw.recv(65536):
                pass
            log.write(server=local[0], client=peer[0], client_port=peer[1], handshake="failed",
                      error=f"stalled: read {len(got)} bytes, never answered")
        except OSError as e:
            log.write(server=local[0], client=peer[0], client_port=peer[1], handshake="failed", error=str(e))
        raw.close()

    with socket.create_server(("0.0.0.0", a.port), backlog=512, reuse_port=True) as listener:
        while True:
            raw, _ = listener.accept()
            threading.Thread(target=hold, args=(raw,), daemon=True).start()


VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
            "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def client(a):
    """One HTTPS GET with httpx; exit 0 when the answer came, 1 on an error (printed)."""
    import httpx

    ctx = ssl.create_default_context(cafile=a.ca)
    if a.keylog:
        ctx.keylog_filename = a.keylog
    if a.cert:
        ctx.load_cert_chain(a.cert, a.key)
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)
    if a.max_version:
        ctx.maximum_version = VERSIONS[a.max_version]
    if a.min_version:
        ctx.minimum_version = VERSIONS[a.min_version]
    try:
        # httpx over this context; the sni_hostname extension sends the name while the
        # connection goes to the address (each connection has its own server address).
        with httpx.Client(verify=ctx, timeout=a.timeout) as http:
            answer = http.get(f"https://{a.addr}:{a.port}/", headers={"Host": a.sni},
                              extensions={"sni_hostname": a.sni})
        print(f"answer HTTP {answer.status_code}", flush=True)
    except (httpx.HTTPError, ssl.SSLError, OSError) as e:
        print(f"error {type(e).__name__}: {e}", flush=True)
        sys.exit(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["server", "stall", "client"])
    p.add_argument("rest", nargs="*")
    p.add_argument("--pki")
    p.add_argument("--config", default="good")
    p.add_argument("--log")
    p.add_argument("--handshake-timeout", type=float, default=10)
    p.add_argument("--sni")
    p.add_argument("--ca")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--keylog", default=os.environ.get("SSLKEYLOGFILE"))
    p.add_argument("--ciphers")
    p.add_argument("--max-version")
    p.add_argument("--min-version")
    p.add_argument("--timeout", type=float, default=10)
    a = p.parse_args()
    if a.role == "client":
        a.addr, a.port = a.rest[0], int(a.rest[1])
        client(a)
    else:
        a.port = int(a.rest[0])
        {"server": server, "stall": stall}[a.role](a)


if __name__ == "__main__":
    main()
