"""The real clients of the field corpus: how each one is told a scenario, and what its exit
status and output say about the handshake (the ground truth comes from here, never from
tlsdoctor).

A scenario is what the client is asked to do against a server configuration:
  good             trusts the CA, asks for app.example                     (server: good)
  mtls             the same with the client certificate                    (mtls)
  wrong-ca         trusts another CA                                        (good)
  expired          the server's certificate expired                         (expired)
  name-mismatch    asks for wrong.example, which the certificate lacks      (good)
  no-client-cert   sends no certificate to a server that requires one       (mtls)
  no-common-suite  TLS 1.2 only, offering only TLS_RSA_WITH_AES_128_CBC_SHA (strict)
  no-common-version TLS 1.0 and 1.1 only                                    (good)
  sni-refused      asks for other.example, which the server refuses         (sni)
  stall            the server never answers; the client's timeout ends it  (stall)
  blackhole        the path drops the client's packets after its ClientHello: the
                   server's handshake timeout ends it                       (good)
  killed           SIGKILL at a random moment of the handshake (a slow path) (good)
"""
import re

SCENARIOS = {
    # name: (server config, the handshake's expected outcome, expected finding codes)
    "good": ("good", "ok", []),
    "mtls": ("mtls", "ok", []),
    "wrong-ca": ("good", "failed", ["certificate-trust-unknown", "certificate-untrusted",
                                    "certificate-untrusted-by-peer"]),
    "expired": ("expired", "failed", ["certificate-expired"]),
    "name-mismatch": ("good", "failed", ["certificate-name-mismatch"]),
    "no-client-cert": ("mtls", "failed", ["client-certificate-missing"]),
    "no-common-suite": ("strict", "failed", ["no-common-cipher-suite", "handshake-refused"]),
    "no-common-version": ("good", "failed", ["no-common-version", "handshake-refused"]),
    "sni-refused": ("sni", "failed", ["server-name-unrecognized"]),
    "stall": ("stall", "failed", []),
    "blackhole": ("good", "failed", []),
    "killed": ("good", None, []),
}
CLIENTS = ["curl", "openssl", "gnutls", "httpx", "go", "node", "wget", "chromium", "java"]
# Clients that write no key log (JSSE): with keys, their connections are judged as without.
NO_KEYLOG = {"java"}
# What a client cannot be told: headless Chromium has no switch for a client certificate
# (it needs a policy and a selection), for its suites or its versions.
# Nor is it quick enough (seconds to start) for a kill at a random moment of the
# handshake or a 2 s stall.
UNSUPPORTED = {("chromium", s) for s in ("mtls", "no-common-suite", "no-common-version", "killed", "stall", "blackhole")}
# Chromium takes seconds of CPU to start: at most this many at once, with more time.
CHROMIUM_AT_ONCE = 3
CHROMIUM_TIMEOUT = 40
# Clients that check the server's certificate after the handshake finished and then
# leave without an alert (close_notify, or a bare FIN): curl checks the host name after
# SSL_connect, wget (GnuTLS) the whole chain, Node.js `authorized` after 'secure'. The
# handshake is complete on the wire; only the refusal is not. field/MISMATCHES.md.
POST_HANDSHAKE_CHECKS = {("curl", "name-mismatch")} | {
    (c, s) for c in ("wget", "node") for s in ("expired", "wrong-ca", "name-mismatch")}


def sni_of(scenario):
    return {"name-mismatch": "wrong.example", "sni-refused": "other.example"}.get(scenario, "app.example")


def argv(client, scenario, addr, port, pki, keylog, here, timeout, out):
    """The command line, and the bytes for its standard input."""
    sni = sni_of(scenario)
    ca = f"{pki}/rogue-ca.pem" if scenario == "wrong-ca" else f"{pki}/ca.pem"
    cert = scenario == "mtls"
    request = f"GET / HTTP/1.1\r\nHost: {sni}\r\nConnection: close\r\n\r\n".encode()
    if client == "curl":
        a = ["curl", "-sS", "-o", "/dev/null", "-w", "http %{http_code}\\n", "--max-time", str(timeout),
             "--resolve", f"{sni}:{port}:{addr}", "--cacert", ca]
        if cert:
            a += ["--cert", f"{pki}/client.pem", "--key", f"{pki}/client.key"]
        if scenario == "no-common-suite":
            a += ["--tlsv1.2", "--tls-max", "1.2", "--ciphers", "AES128-SHA"]
        if scenario == "no-common-version":
            a += ["--tlsv1.0", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0"]
        return a + [f"https://{sni}:{port}/"], b""
    if client == "openssl":
        a = ["openssl", "s_client", "-connect", f"{addr}:{port}", "-servername", sni,
             "-verify_hostname", sni, "-verify_return_error", "-CAfile", ca, "-keylogfile", keylog,
             "-ign_eof"]
        if cert:
            a += ["-cert", f"{pki}/client.pem", "-key", f"{pki}/client.key"]
        if scenario == "no-common-suite":
            a += ["-tls1_2", "-cipher", "AES128-SHA"]
        if scenario == "no-common-version":
            a += ["-no_tls1_2", "-no_tls1_3", "-cipher", "DEFAULT@SECLEVEL=0"]
        return a, request
    if client == "gnutls":
        a = ["gnutls-cli", "--port", str(port), "--sni-hostname", sni, "--verify-hostname", sni,
             "--x509cafile", ca]
        if cert:
            a += ["--x509certfile", f"{pki}/client.pem", "--x509keyfile", f"{pki}/client.key"]
        if scenario == "no-common-suite":
            a += ["--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1"]
        if scenario == "no-common-version":
            a += ["--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0"]
        return a + [addr], request
    if client == "httpx":
        a = ["python3", f"{here}/peer.py", "client", addr, str(port), "--sni", sni, "--ca", ca,
             "--keylog", keylog, "--timeout", str(timeout)]
        if cert:
            a += ["--cert", f"{pki}/client.pem", "--key", f"{pki}/client.key"]
        if scenario == "no-common-suite":
            a += ["--max-version", "1.2", "--ciphers", "AES128-SHA"]
        if scenario == "no-common-version":
            a += ["--min-version", "1.0", "--max-version", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0"]
        return a, b""
    if client == "go":
        return [f"{out}/bin/go-peer", "client", addr, str(port), sni, ca, scenario, pki, keylog], b""
    if client == "java":
        return ["java", "-cp", f"{out}/bin", "FieldPeer", "client", addr, str(port), sni, ca, scenario, pki], b""
    if client == "node":
        return ["node", f"{here}/peers/node-peer.js", "client", addr, str(port), sni, ca, scenario, pki, keylog], b""
    if client == "chromium":
        # Headless Chromium trusts what the NSS database under its HOME trusts
        # (nss_home()); each run has a profile of its own, and its resolver maps the name
        # to this connection's address.
        profile = f"{out}/chromium/{addr}"
        a = ["env", f"HOME={out}/chromium-home-{'rogue' if scenario == 'wrong-ca' else 'ca'}",
             "timeout", "-s", "KILL", str(timeout + 2), "chromium", "--headless", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-extensions",
             "--disable-component-update", "--disable-sync", "--disable-features=NetworkPrediction",
             f"--user-data-dir={profile}", f"--host-resolver-rules=MAP {sni} {addr}",
             f"--timeout={timeout * 1000}", "--dump-dom", f"https://{sni}:{port}/"]
        return a, b""
    if client == "wget":
        # wget has no --resolve: it runs with an /etc/hosts of its own (a mount namespace)
        # that names this connection's address. GnuTLS under it reads SSLKEYLOGFILE.
        hosts = f"{out}/hosts/{addr}"
        with open(hosts, "w") as f:
            f.write(f"{addr} {sni}\n")
        a = ["wget", "-O", "/dev/null", "--tries=1", f"--timeout={timeout}", f"--ca-certificate={ca}"]
        if cert:
            a += [f"--certificate={pki}/client.pem", f"--private-key={pki}/client.key"]
        if scenario == "no-common-suite":
            a += ["--secure-protocol=TLSv1_2", "--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1"]
        if scenario == "no-common-version":
            a += ["--secure-protocol=TLSv1_1"]
        cmd = " ".join(f"'{x}'" for x in a + [f"https://{sni}:{port}/"])
        return ["unshare", "-m", "sh", "-c", f"mount --bind '{hosts}' /etc/hosts && exec {cmd}"], b""
    raise ValueError(client)


def verdict(client, status, output):
    """(handshake outcome, evidence): what the client itself says happened. 'ok' when it
    finished the handshake (an application error after it, such as nginx's 400 for a
    missing client certificate, does not undo that), 'failed' otherwise."""
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    last = lines[-1] if lines else ""
    if status is None:
        return "killed", "killed"
    if client == "curl":
        # Exit 0: the handshake finished and an HTTP status came back.
        return ("ok" if status == 0 else "failed"), f"exit {status}: {last}"[:300]
    if client == "openssl":
        # "New, TLSv1.x, Cipher is ..." once the handshake finished; a TLS 1.3 server
        # refusing the client after that shows as an ":error:" line, or as a reset
        # (exit 104, ECONNRESET) when the reset overtakes the server's alert.
        done = [l for l in lines if l.startswith("New, TLS")]
        errors = [l for l in lines if ":error:" in l]
        if done and not errors and status == 0:
            return "ok", f"exit {status}: {done[0]}"
        return "failed", f"exit {status}: " + (errors[0] if errors else last)[:300]
    if client == "gnutls":
        # A TLS 1.3 server refusing the client after "Handshake was completed" makes
        # gnutls-cli exit 1 with no answer.
        done = any("Handshake was completed" in l for l in lines)
        answer = [l for l in lines if l.startswith("HTTP/1.")]
        if done and (status == 0 or answer):
            # An answer came: an alert after it (JSSE's user_canceled before its
            # close_notify, which gnutls-cli takes for fatal) is not the handshake's.
            return "ok", f"exit {status}: Handshake was completed" + (f"; {answer[0]}" if answer else "")
        fatal = [l for l in lines if l.startswith("*** ")]
        return "failed", f"exit {status}: " + " ".join(fatal or [last])[:300]
    if client == "wget":
        # 0: answered; 8: the server answered with an HTTP error (nginx's 400 for a missing
        # client certificate), after a finished handshake.
        said = [l for l in lines if "ERROR" in l or "HTTP request sent" in l or "Unable" in l or "error" in l.lower()]
        return ("ok" if status in (0, 8) else "failed"), f"exit {status}: " + (said[-1] if said else last)[:300]
    if client == "chromium":
        # --dump-dom prints the page: the server's, or Chromium's error page, whose text
        # names the net error (net::ERR_CERT_..., ERR_SSL_...).
        errors = re.findall(r"(?:NET::)?ERR_[A-Z_]+", output)
        if status == 0 and not errors and "<html" in output:
            return "ok", "exit 0: the page came"
        return "failed", f"exit {status}: " + (errors[0] if errors else last)[:300]
    if client in ("httpx", "go", "node", "java"):
        answer = [l for l in lines if l.startswith("answer ")]
        if status == 0 and answer:
            return "ok", f"exit 0: {answer[0]}"
        return "failed", f"exit {status}: {last}"[:300]
    raise ValueError(client)
