#!/usr/bin/env bash
# THE sample: mtls-decrypt-error.pcapng, tlsdoctor's motivating case, made by real peers.
#
# openssl s_server (TLS 1.2, mutual TLS required, trusts pki/ca.pem) <- faultproxy.py <-
# openssl s_client with an RSA 2048 client certificate that the CA signed with SHA-256.
# The proxy flips one byte in the middle of the client's CertificateVerify signature; the
# server answers fatal decrypt_error (51) right after the client's Certificate /
# ClientKeyExchange / CertificateVerify flight. The capture is the proxy<->server leg
# (tcp port 25000): exactly what the server saw and answered.
#
# Writes mtls-decrypt-error.{pcapng,keylog,server.log,client.log,proxy.log} and ca.pem
# here; then run ../tests/fixtures/diagnose/make-golden.sh for the .tshark.tsv golden.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tests/fixtures/diagnose/lib.sh"
capture mtls-decrypt-error "$here" server flip-client-certificate-verify-signature 25000 25001 -- \
  -cert pki/server.pem -key pki/server.key -CAfile pki/ca.pem -Verify 2 -verify_return_error -tls1_2 -- \
  -cert pki/client-rsa.pem -key pki/client-rsa.key -CAfile pki/ca.pem -brief -tls1_2
cp "$FIXDIR/pki/ca.pem" "$here/ca.pem"
