#!/bin/sh
# Regenerates the signature fixtures in this folder with OpenSSL (3.x).
# Keys are fresh each run; only public keys (SPKI DER), messages and signatures are
# kept. Run from anywhere: sh crates/verify/tests/data/make.sh
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Two messages that differ in one byte, standing in for handshake transcripts.
printf 'tlsdoctor fixture: ClientHello..ClientKeyExchange transcript A\n' > msg.bin
printf 'tlsdoctor fixture: ClientHello..ClientKeyExchange transcript B\n' > msg2.bin

key() { # name, genpkey args...
    name=$1; shift
    openssl genpkey "$@" -out "$tmp/$name.key" 2>/dev/null
    openssl pkey -in "$tmp/$name.key" -pubout -outform DER -out "$name.spki.der"
}
dgst() { # key, digest, out, extra args...
    k=$1 d=$2 out=$3; shift 3
    openssl dgst "-$d" -sign "$tmp/$k.key" "$@" -out "$out" msg.bin
}

key rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key rsa2048b -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key rsa1024 -algorithm RSA -pkeyopt rsa_keygen_bits:1024
for d in sha1 sha256 sha384 sha512; do
    dgst rsa2048 $d rsa2048-pkcs1-$d.sig
done
for d in sha256 sha384; do
    dgst rsa2048 $d rsa2048-pss-$d.sig -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
done
# A PSS signature (randomised) whose first byte is zero, for the short-signature case.
i=0
while :; do
    dgst rsa2048 sha256 "$tmp/lead0.sig" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
    [ "$(head -c1 "$tmp/lead0.sig" | od -An -tx1 | tr -d ' ')" = 00 ] && break
    i=$((i + 1)); [ $i -lt 5000 ] || { echo "no leading zero" >&2; exit 1; }
done
cp "$tmp/lead0.sig" rsa2048-pss-sha256-lead0.sig
dgst rsa2048b sha256 rsa2048b-pkcs1-sha256.sig
dgst rsa2048b sha256 rsa2048b-pss-sha256.sig -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
dgst rsa1024 sha256 rsa1024-pkcs1-sha256.sig
# TLS 1.0/1.1: PKCS#1 v1.5 over MD5(m) || SHA-1(m), no DigestInfo.
openssl dgst -md5 -binary msg.bin > "$tmp/md5sha1"
openssl dgst -sha1 -binary msg.bin >> "$tmp/md5sha1"
openssl pkeyutl -sign -inkey "$tmp/rsa2048.key" -pkeyopt rsa_padding_mode:pkcs1 \
    -in "$tmp/md5sha1" -out rsa2048-md5sha1.sig

key p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
key p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
key p521 -algorithm EC -pkeyopt ec_paramgen_curve:P-521
dgst p256 sha256 p256-sha256.sig
dgst p256 sha384 p256-sha384.sig
dgst p384 sha384 p384-sha384.sig
dgst p384 sha1 p384-sha1.sig
dgst p521 sha512 p521-sha512.sig
dgst p521 sha1 p521-sha1.sig

key ed25519 -algorithm ED25519
openssl pkeyutl -sign -rawin -inkey "$tmp/ed25519.key" -in msg.bin -out ed25519.sig
key ed448 -algorithm ED448
openssl pkeyutl -sign -rawin -inkey "$tmp/ed448.key" -in msg.bin -out ed448.sig

openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
    -pkeyopt dsa_paramgen_q_bits:256 -out "$tmp/dsa.params" 2>/dev/null
key dsa2048 -paramfile "$tmp/dsa.params"
dgst dsa2048 sha256 dsa2048-sha256.sig
dgst dsa2048 sha1 dsa2048-sha1.sig

# Certificates signed with each algorithm (DER). A CA per key type, one leaf each.
mkdir -p certs
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/leaf.key" 2>/dev/null
ca() { # name, subject, genpkey args...
    name=$1 subj=$2; shift 2
    openssl genpkey "$@" -out "$tmp/$name.key" 2>/dev/null
    openssl req -new -x509 -key "$tmp/$name.key" -subj "/CN=$subj" -days 3650 \
        -outform DER -out "certs/$name.der" "$DGST_ARGS" 2>/dev/null
}
leaf() { # ca name, leaf name, extra x509 -sign args...
    c=$1 name=$2; shift 2
    openssl req -new -key "$tmp/leaf.key" -subj "/CN=$name" -out "$tmp/$name.csr"
    openssl x509 -req -in "$tmp/$name.csr" -CA "certs/$c.der" -CAform DER \
        -CAkey "$tmp/$c.key" -set_serial 7 -days 3650 -outform DER -out "certs/$name.der" "$@" 2>/dev/null
}
DGST_ARGS=-sha256 ca ca-rsa "Test RSA CA" -algorithm RSA -pkeyopt rsa_keygen_bits:2048
leaf ca-rsa leaf-rsa-sha256 -sha256
leaf ca-rsa leaf-rsa-sha1 -sha1
leaf ca-rsa leaf-rsa-pss-sha256 -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
leaf ca-rsa leaf-rsa-pss-sha384-salt20 -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:20
DGST_ARGS=-sha384 ca ca-p384 "Test P-384 CA" -algorithm EC -pkeyopt ec_paramgen_curve:P-384
leaf ca-p384 leaf-p384-sha384 -sha384
DGST_ARGS=-sha256 ca ca-ed25519 "Test Ed25519 CA" -algorithm ED25519
leaf ca-ed25519 leaf-ed25519
DGST_ARGS=-sha256 ca ca-ed448 "Test Ed448 CA" -algorithm ED448
leaf ca-ed448 leaf-ed448
