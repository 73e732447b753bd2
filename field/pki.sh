#!/usr/bin/env bash
# The field corpus's throwaway PKI, made anew for each run in DIR (private keys included):
#   ca.pem            the CA every peer trusts by default
#   server.pem/.key   CA-signed, SAN DNS:app.example (the good server)
#   expired.pem/.key  CA-signed, SAN DNS:app.example, notAfter 2025-01-01
#   rogue-ca.pem      a CA nobody trusts (clients given it instead of ca.pem: wrong CA)
#   client.pem/.key   CA-signed client certificate (mutual TLS)
#   NAME.p12          client, server and expired with their keys, for Java (password "field")
#   wrongkey.key      an RSA key that belongs to no certificate
#   pki.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
cat >ca.cnf <<'CNF'
[ca]
default_ca = fieldca
[fieldca]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
[server]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:app.example
[client]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = clientAuth
CNF
: >index.txt
echo 1000 >serial
quiet() { "$@" >/dev/null 2>&1 || { echo "pki.sh: failed: $*" >&2; exit 1; }; }
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
    -subj "/O=tlsdoctor field/CN=Field CA" -addext keyUsage=critical,keyCertSign,cRLSign
quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue-ca.key -out rogue-ca.pem -days 3650 \
    -subj "/O=elsewhere/CN=Rogue CA" -addext keyUsage=critical,keyCertSign,cRLSign
issue() { # name section cn [ca args...]
    local name=$1 section=$2 cn=$3; shift 3
    quiet openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/O=tlsdoctor field/CN=$cn"
    quiet openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -extensions "$section" \
        -in "$name.csr" -out "$name.pem" -notext "$@"
    rm -f "$name.csr"
}
issue server server app.example -days 800
issue expired server app.example -startdate 20240101000000Z -enddate 20250101000000Z
issue client client field-client -days 800
quiet openssl genrsa -out wrongkey.key 2048
for name in client server expired; do
    quiet openssl pkcs12 -export -in "$name.pem" -inkey "$name.key" -out "$name.p12" -passout pass:field
done
cat server.pem ca.pem >server-chain.pem
chmod 644 ./*.key
