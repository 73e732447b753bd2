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

SERVERS = ["nginx", "openssl", "gnutls", "python", "go", "node", "haproxy", "lighttpd", "apache", "java"]
CONFIGS = ["good", "expired", "mtls", "strict", "sni", "stall"]
# Configs a server cannot do; the mix leaves those combinations out. Only peer.py stalls;
# Go, Node.js, Java, lighttpd and Apache have no way to refuse a server name with an alert
# (Apache warns unrecognized_name and goes on with its default host).
UNSUPPORTED = {(s, "stall") for s in SERVERS if s != "python"} | {
    ("go", "sni"), ("node", "sni"), ("lighttpd", "sni"), ("apache", "sni"), ("java", "sni")}
# Go, Node.js and Java servers log each connection as peer.py does (the truth of killed clients).
LOGGING = {"python", "go", "node", "java"}


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


def haproxy_conf(pki, out):
    with open(f"{out}/haproxy-server.pem", "w") as f, open(f"{pki}/server.pem") as c, open(f"{pki}/server.key") as k:
        f.write(c.read() + k.read())
    with open(f"{out}/haproxy-expired.pem", "w") as f, open(f"{pki}/expired.pem") as c, open(f"{pki}/expired.key") as k:
        f.write(c.read() + k.read())
    frontends = []
    for config in ["good", "expired", "mtls", "strict", "sni"]:
        crt = f"{out}/haproxy-{'expired' if config == 'expired' else 'server'}.pem"
        extra = {"mtls": f"ca-file {pki}/ca.pem verify required", "strict": "ciphers ECDHE+AESGCM",
                 "sni": "strict-sni"}.get(config, "")
        frontends.append(f"""frontend {config}
  bind 0.0.0.0:{port("haproxy", config)} ssl crt {crt} {extra}
  http-request return status 200 content-type text/plain string "ok"
""")
    return """global
  maxconn 4096
defaults
  mode http
  timeout client 3s
  timeout connect 3s
  timeout server 3s
  timeout http-request 3s
""" + "".join(frontends)


def lighttpd_conf(pki, out):
    os.makedirs(f"{out}/www", exist_ok=True)
    with open(f"{out}/www/index.html", "w") as f:
        f.write("ok\n")
    sockets = []
    for config in ["expired", "mtls", "strict"]:
        cert, key = cert_of(pki, config)
        extra = {"mtls": f'ssl.ca-file = "{pki}/ca.pem"\n  ssl.verifyclient.activate = "enable"\n'
                         '  ssl.verifyclient.enforce = "enable"',
                 "strict": 'ssl.openssl.ssl-conf-cmd = ("CipherString" => "ECDHE+AESGCM")'}.get(config, "")
        sockets.append(f"""$SERVER["socket"] == "0.0.0.0:{port("lighttpd", config)}" {{
  ssl.engine = "enable"
  ssl.pemfile = "{cert}"
  ssl.privkey = "{key}"
  {extra}
}}
""")
    return f"""server.modules = ("mod_openssl")
server.document-root = "{out}/www"
server.bind = "0.0.0.0"
server.port = {port("lighttpd", "good")}
server.pid-file = "{out}/lighttpd.pid"
server.errorlog = "{out}/logs/lighttpd-error.log"
server.max-read-idle = 3
index-file.names = ("index.html")
ssl.engine = "enable"
ssl.pemfile = "{pki}/server.pem"
ssl.privkey = "{pki}/server.key"
""" + "".join(sockets)


def apache_conf(pki, out):
    os.makedirs(f"{out}/www", exist_ok=True)
    with open(f"{out}/www/index.html", "w") as f:
        f.write("ok\n")
    mods = "/usr/lib/apache2/modules"
    hosts = []
    for config in ["good", "expired", "mtls", "strict"]:
        cert, key = cert_of(pki, config)
        extra = {"mtls": f"SSLVerifyClient require\n  SSLCACertificateFile {pki}/ca.pem",
                 "strict": "SSLCipherSuite ECDHE+AESGCM"}.get(config, "")
        p = port("apache", config)
        hosts.append(f"""Listen 0.0.0.0:{p}
<VirtualHost *:{p}>
  SSLEngine on
  SSLCertificateFile {cert}
  SSLCertificateKeyFile {key}
  {extra}
</VirtualHost>
""")
    return f"""ServerRoot {out}
ServerName app.example
LoadModule mpm_event_module {mods}/mod_mpm_event.so
LoadModule authz_core_module {mods}/mod_authz_core.so
LoadModule dir_module {mods}/mod_dir.so
LoadModule mime_module {mods}/mod_mime.so
LoadModule socache_shmcb_module {mods}/mod_socache_shmcb.so
LoadModule ssl_module {mods}/mod_ssl.so
LoadModule reqtimeout_module {mods}/mod_reqtimeout.so
User www-data
Group www-data
PidFile {out}/apache.pid
DefaultRuntimeDir {out}
ErrorLog {out}/logs/apache-error.log
LogLevel info ssl:info
DocumentRoot {out}/www
DirectoryIndex index.html
TypesConfig /etc/mime.types
KeepAlive Off
RequestReadTimeout handshake=3
<Directory {out}/www>
  Require all granted
</Directory>
""" + "".join(hosts)


def commands(server, pki, out, here):
    """(config, argv) of every process the server needs."""
    log = f"{out}/logs"
    if server == "nginx":
        os.makedirs(f"{out}/nginx-tmp", exist_ok=True)
        with open(f"{out}/nginx.conf", "w") as f:
            f.write(nginx_conf(pki, out))
        return [("all", ["nginx", "-c", f"{out}/nginx.conf"])]
    if server == "haproxy":
        with open(f"{out}/haproxy.cfg", "w") as f:
            f.write(haproxy_conf(pki, out))
        return [("all", ["haproxy", "-db", "-f", f"{out}/haproxy.cfg"])]
    if server == "apache":
        with open(f"{out}/apache.conf", "w") as f:
            f.write(apache_conf(pki, out))
        return [("all", ["apache2", "-DFOREGROUND", "-f", f"{out}/apache.conf"])]
    if server == "lighttpd":
        with open(f"{out}/lighttpd.conf", "w") as f:
            f.write(lighttpd_conf(pki, out))
        return [("all", ["lighttpd", "-D", "-f", f"{out}/lighttpd.conf"])]
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
        elif server == "go":
            argv = [f"{out}/bin/go-peer", "server", p, config, pki, f"{log}/go-{config}.jsonl"]
        elif server == "java":
            argv = ["java", "-cp", f"{out}/bin", "FieldPeer", "server", p, config, pki, f"{log}/java-{config}.jsonl"]
        elif server == "node":
            argv = ["node", f"{here}/peers/node-peer.js", "server", p, config, pki, f"{log}/node-{config}.jsonl"]
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
