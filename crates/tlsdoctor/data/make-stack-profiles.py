#!/usr/bin/env python3
"""Writes stack-profiles.json: what current TLS stacks accept by default, as servers.

tlsdoctor judges a ClientHello that a server refused without saying why against these
profiles, to name the likeliest cause (diagnose/profiles.rs). Each profile records its
source. The stacks installed on the machine that runs this script are asked directly:
  OpenSSL 3 (`openssl ciphers`), nginx's and Apache's default cipher strings and Node.js's
  default cipher list through it, GnuTLS (`gnutls-cli --priority NORMAL -l`), Java
  (SSLContext.getDefault() of the installed JDK), Python's ssl default server context.
Go and Mozilla's server-side TLS guidelines are transcribed from their documentation (the
sources are named in each profile). Run on Debian 12 with openssl, gnutls-bin, nodejs and
openjdk-17 installed:  ./make-stack-profiles.py > stack-profiles.json
"""
import json
import re
import subprocess
import tempfile
import os

GROUPS = {
    "x25519": 0x001D, "secp256r1": 0x0017, "secp384r1": 0x0018, "secp521r1": 0x0019, "x448": 0x001E,
    "ffdhe2048": 0x0100, "ffdhe3072": 0x0101, "ffdhe4096": 0x0102, "ffdhe6144": 0x0103, "ffdhe8192": 0x0104,
}
TLS13 = {"TLS_AES_128_GCM_SHA256": 0x1301, "TLS_AES_256_GCM_SHA384": 0x1302,
         "TLS_CHACHA20_POLY1305_SHA256": 0x1303, "TLS_AES_128_CCM_SHA256": 0x1304}
OPENSSL_TLS13 = ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]
# OpenSSL 3.0's default group list (ssl/t1_lib.c, supported_groups_default).
OPENSSL_GROUPS = ["x25519", "secp256r1", "x448", "secp521r1", "secp384r1",
                  "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]
# OpenSSL 3.0 allows TLS 1.1 and older only at security level 0 (CHANGES.md, 3.0).
MODERN_VERSIONS = ["TLSv1.2", "TLSv1.3"]


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def openssl_suites(cipher_string):
    out = run("openssl", "ciphers", "-V", "-s", "-tls1_2", cipher_string)
    codes = []
    for line in out.splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2})", line)
        if m:
            codes.append(int(m.group(1) + m.group(2), 16))
    return [TLS13[n] for n in OPENSSL_TLS13] + codes


def openssl_profile(name, cipher_string, source):
    return {"name": name, "source": source, "versions": MODERN_VERSIONS,
            "cipher_suites": openssl_suites(cipher_string), "groups": [GROUPS[g] for g in OPENSSL_GROUPS]}


def gnutls_profile():
    out = run("gnutls-cli", "--priority", "NORMAL", "-l")
    suites = [int(a + b, 16) for a, b in re.findall(r"\t0x([0-9a-f]{2}), 0x([0-9a-f]{2})\t", out)]
    protocols = re.search(r"^Protocols: (.*)$", out, re.M).group(1)
    versions = [v.replace("VERS-TLS", "TLSv") for v in protocols.split(", ") if v.startswith("VERS-TLS")]
    groups = re.search(r"^Groups: (.*)$", out, re.M).group(1)
    groups = [GROUPS[g.replace("GROUP-", "").lower()] for g in groups.split(", ")]
    version = run("gnutls-cli", "--version").splitlines()[0]
    return {"name": "GnuTLS (NORMAL priority)", "source": f"gnutls-cli --priority NORMAL -l ({version})",
            "versions": sorted(versions), "cipher_suites": suites, "groups": groups}


JAVA = """
import javax.net.ssl.*;
public class Defaults { public static void main(String[] a) throws Exception {
  SSLParameters p = SSLContext.getDefault().getDefaultSSLParameters();
  System.out.println(String.join(",", p.getProtocols()));
  System.out.println(String.join(",", p.getCipherSuites()));
}}
"""


def java_profile():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "Defaults.java")
        open(path, "w").write(JAVA)
        protocols, suites = run("java", path).splitlines()[:2]
    version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    names = [s for s in suites.split(",") if not s.endswith("_SCSV")]
    iana = dict(IANA)
    return {"name": "Java (JSSE defaults)", "source": f"SSLContext.getDefault() of {version}",
            "versions": sorted(protocols.split(",")), "cipher_suites": [iana[n] for n in names],
            "groups": [GROUPS[g] for g in ["x25519", "x448", "secp256r1", "secp384r1", "secp521r1",
                                           "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"]]}


def node_profile():
    ciphers = run("node", "-p", "require('tls').DEFAULT_CIPHERS").strip()
    version = run("node", "--version").strip()
    # The TLS 1.3 names are OpenSSL's defaults too; `openssl ciphers` expands the rest.
    tls12 = ":".join(c for c in ciphers.split(":") if not c.startswith("TLS_"))
    return openssl_profile("Node.js (tls defaults)", tls12,
                           f"tls.DEFAULT_CIPHERS of Node.js {version}, expanded by openssl ciphers")


def python_profile():
    import ssl
    import sys
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    suites = [c["id"] & 0xFFFF for c in ctx.get_ciphers()]
    versions = [v for v, n in [("TLSv1.2", ssl.TLSVersion.TLSv1_2), ("TLSv1.3", ssl.TLSVersion.TLSv1_3)]
                if ctx.minimum_version <= n]
    return {"name": "Python ssl (default server context)",
            "source": f"ssl.create_default_context(Purpose.CLIENT_AUTH).get_ciphers() of Python "
                      f"{sys.version.split()[0]} ({ssl.OPENSSL_VERSION})",
            "versions": versions, "cipher_suites": suites, "groups": [GROUPS[g] for g in OPENSSL_GROUPS]}


# IANA names of the TLS 1.2 suites the transcribed profiles use.
IANA = [
    ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xC02B), ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC02F),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 0xC02C), ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0xC030),
    ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA9), ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCA8),
    ("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009E), ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", 0x009F),
    ("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xCCAA), ("TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", 0x00A2),
    ("TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", 0x00A3),
    ("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 0xC009), ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 0xC013),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 0xC00A), ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 0xC014),
    ("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xC023), ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC027),
    ("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 0xC024), ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xC028),
    ("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x0067), ("TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 0x006B),
    ("TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", 0x0040), ("TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", 0x006A),
    ("TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 0x0033), ("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 0x0039),
    ("TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0x0032), ("TLS_DHE_DSS_WITH_AES_256_CBC_SHA", 0x0038),
    ("TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009C), ("TLS_RSA_WITH_AES_256_GCM_SHA384", 0x009D),
    ("TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003C), ("TLS_RSA_WITH_AES_256_CBC_SHA256", 0x003D),
    ("TLS_RSA_WITH_AES_128_CBC_SHA", 0x002F), ("TLS_RSA_WITH_AES_256_CBC_SHA", 0x0035),
] + list(TLS13.items())


def named(names):
    iana = dict(IANA)
    return [iana[n] for n in names]


GO = {
    "name": "Go crypto/tls (1.22 and later)",
    "source": "https://go.dev/doc/go1.22 (no RSA key exchange by default before TLS 1.3, tlsrsakex; "
              "servers at TLS 1.2 or later, tls10server), https://go.dev/doc/go1.23 (no 3DES); "
              "crypto/tls cipher_suites.go, defaultCipherSuites",
    "versions": MODERN_VERSIONS,
    "cipher_suites": named([
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"]),
    "groups": [GROUPS[g] for g in ["x25519", "secp256r1", "secp384r1", "secp521r1"]],
}
MOZILLA = "https://ssl-config.mozilla.org/guidelines/5.7.json (Mozilla server side TLS, version 5.7)"
MOZILLA_INTERMEDIATE = {
    "name": "Mozilla intermediate", "source": MOZILLA, "versions": MODERN_VERSIONS,
    "cipher_suites": named([
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"]),
    "groups": [GROUPS[g] for g in ["x25519", "secp256r1", "secp384r1", "ffdhe2048"]],
}
MOZILLA_MODERN = {
    "name": "Mozilla modern", "source": MOZILLA, "versions": ["TLSv1.3"],
    "cipher_suites": named(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]),
    "groups": [GROUPS[g] for g in ["x25519", "secp256r1", "secp384r1"]],
}

if __name__ == "__main__":
    openssl = run("openssl", "version").strip()
    profiles = [
        openssl_profile("OpenSSL 3 (DEFAULT, security level 2)", "DEFAULT", f"openssl ciphers DEFAULT ({openssl})"),
        openssl_profile("nginx (ssl_ciphers default)", "HIGH:!aNULL:!MD5",
                        f"nginx's default ssl_ciphers HIGH:!aNULL:!MD5, expanded by {openssl}"),
        openssl_profile("Apache httpd (Debian's ssl.conf)", "HIGH:!aNULL",
                        f"Debian's mods-available/ssl.conf SSLCipherSuite HIGH:!aNULL, expanded by {openssl}"),
        gnutls_profile(),
        GO,
        java_profile(),
        node_profile(),
        python_profile(),
        MOZILLA_INTERMEDIATE,
        MOZILLA_MODERN,
    ]
    print(json.dumps({"generated_by": "make-stack-profiles.py", "profiles": profiles}, indent=1))
