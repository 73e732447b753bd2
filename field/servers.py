"""The real servers of the field corpus, each started in the server's namespace with one
listening port per configuration:

  good     CA-signed app.example certificate, the stack's default versions and suites
  expired  the same name, a certificate that expired on 2025-01-01
  mtls     requires a client certificate from the CA
  strict   TLS 1.2 suites limited to ECDHE with AES-GCM
  sni      refuses (unrecognized_name) any server name but app.example
  stall    (python only) reads the ClientHello and never answers
The port of (server, config) is 10000 + 100 * the server's index + the config's index.
"""
import os
import subprocess

SERVERS = ["nginx", "openssl", "gnutls", "python"]
CONFIGS = ["good", "expired", "mtls", "strict", "sni", "stall"]
# Configs a server cannot do; the mix leaves those combinations out.
UNSUPPORTED = {("nginx", "stall"), ("openssl", "stall"), ("gnutls", "stall")}


def port(server, config):
    return 10000 + 100 * SERVERS.index(server) + CONFIGS.index(config)


def supports(server, config):
    return (server, config) not in UNSUPPORTED


def cert_of(pki, config):
    name = "expired" if config == "expired" else "server"
    return f"{pki}/{name}.pem", f"{pki}/{name}.key"


def nginx_conf(pki, out):
    log = f"{out}/logs"
    blocks = []
    for config in ["good", "expired", "mtls", "strict", "sni"]:
        cert, key = cert_of(pki, config)
        p = port("nginx", config)
        extra = ""
        if config == "mtls":
            extra = f"ssl_verify_client on; ssl_client_certificate {pki}/ca.pem;"
        if config == "strict":
            extra = "ssl_ciphers ECDHE+AESGCM;"
        if config == "sni":
            # The default server of the port refuses the handshake: unrecognized_name.
            blocks.append(f"server {{ listen {p} ssl default_server; ssl_reject_handshake on; }}")
            extra = "server_name app.example;"
        blocks.append(
            f"server {{ listen {p} ssl; ssl_certificate {cert}; ssl_certificate_key {key}; "
            f"{extra} location / {{ return 200 \"ok\\n\"; }} }}")
    servers = "\n  ".join(blocks)
    return f"""user root;
worker_processes 2;
daemon off;
pid {out}/nginx.pid;
error_log {log}/nginx-error.log info;
events {{ worker_connections 4096; }}
http {{
  log_format field '$remote_addr:$remote_port $server_addr:$server_port $ssl_protocol $status';
  access_log {log}/nginx-access.log field;
  client_body_temp_path {out}/nginx-tmp;
  proxy_temp_path {out}/nginx-tmp;
  fastcgi_temp_path {out}/nginx-tmp;
  uwsgi_temp_path {out}/nginx-tmp;
  scgi_temp_path {out}/nginx-tmp;
  # The handshake's idle timeout (nginx times the handshake with client_header_timeout).
  client_header_timeout 3s;
  keepalive_timeout 0;
  {servers}
}}
"""


def commands(server, pki, out, here):
    """(config, argv) of every process the server needs."""
    log = f"{out}/logs"
    if server == "nginx":
        os.makedirs(f"{out}/nginx-tmp", exist_ok=True)
        with open(f"{out}/nginx.conf", "w") as f:
            f.write(nginx_conf(pki, out))
        return [("all", ["nginx", "-c", f"{out}/nginx.conf"])]
    result = []
    for config in CONFIGS:
        if not supports(server, config):
            continue
        p = str(port(server, config))
        cert, key = cert_of(pki, config)
        if server == "openssl":
            argv = ["openssl", "s_server", "-accept", p, "-cert", cert, "-key", key, "-www", "-quiet"]
            argv += {"mtls": ["-Verify", "1", "-verify_return_error", "-CAfile", f"{pki}/ca.pem"],
                     "strict": ["-cipher", "ECDHE+AESGCM"],
                     "sni": ["-servername", "app.example", "-servername_fatal", "-cert2", cert, "-key2", key],
                     }.get(config, [])
        elif server == "gnutls":
            argv = ["gnutls-serv", "-p", p, "--http", "--x509certfile", cert, "--x509keyfile", key]
            argv += {"mtls": ["--require-client-cert", "--verify-client-cert", "--x509cafile", f"{pki}/ca.pem"],
                     "strict": ["--priority", "NORMAL:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:-KX-ALL:+ECDHE-RSA:+ECDHE-ECDSA"],
                     "sni": ["--sni-hostname", "app.example", "--sni-hostname-fatal"],
                     }.get(config, [])
        else:
            role = "stall" if config == "stall" else "server"
            argv = ["python3", f"{here}/peer.py", role, p, "--pki", pki, "--config", config,
                    "--log", f"{log}/python-{config}.jsonl", "--handshake-timeout", "3"]
        result.append((config, argv))
    return result


def start(server, ns, pki, out, here):
    procs = []
    for config, argv in commands(server, pki, out, here):
        err = open(f"{out}/logs/{server}-{config}.log", "w")
        procs.append(subprocess.Popen(["ip", "netns", "exec", ns] + argv, stdin=subprocess.DEVNULL,
                                      stdout=err, stderr=subprocess.STDOUT))
    return procs
