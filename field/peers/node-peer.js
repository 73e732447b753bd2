// The field corpus's Node.js peers (tls, https).
//   node node-peer.js server PORT CONFIG PKI LOG   an HTTPS server; a JSON line per connection
//   node node-peer.js client ADDR PORT SNI CA SCENARIO PKI KEYLOG   one GET; exit 0 when answered
// Server configs are servers.py's (good, expired, mtls, strict); scenarios are clients.py's.
'use strict';
const fs = require('fs');
const https = require('https');

function server(port, config, pki, log) {
  const name = config === 'expired' ? 'expired' : 'server';
  const options = { cert: fs.readFileSync(`${pki}/${name}.pem`), key: fs.readFileSync(`${pki}/${name}.key`) };
  if (config === 'mtls') Object.assign(options, { requestCert: true, rejectUnauthorized: true, ca: fs.readFileSync(`${pki}/ca.pem`) });
  if (config === 'strict') options.ciphers = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
  // The addresses are taken when the TCP connection comes: a reset clears them before
  // tlsClientError, whose TLS socket wraps the TCP one (_parent).
  const addresses = new WeakMap();
  const write = (socket, record) => fs.appendFileSync(log, JSON.stringify(Object.assign(
    {}, addresses.get(socket._parent) || addresses.get(socket) || {}, record)) + '\n');
  const srv = https.createServer(options, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end('ok\n');
  });
  srv.on('connection', (raw) => addresses.set(raw, {
    server: raw.localAddress, server_port: raw.localPort, client: raw.remoteAddress, client_port: raw.remotePort }));
  srv.on('secureConnection', (socket) => write(socket, { handshake: 'ok', version: socket.getProtocol() }));
  srv.on('tlsClientError', (err, socket) => write(socket, { handshake: 'failed', error: String(err.code || err.message) }));
  srv.setTimeout(3000);
  srv.listen(Number(port), '0.0.0.0');
}

function client(addr, port, sni, ca, scenario, pki, keylog) {
  const options = { host: addr, port: Number(port), servername: sni, path: '/', headers: { Host: sni, Connection: 'close' },
    ca: fs.readFileSync(ca), agent: false, timeout: 8000,
    checkServerIdentity: (_, cert) => require('tls').checkServerIdentity(sni, cert) };
  if (scenario === 'mtls') Object.assign(options, { cert: fs.readFileSync(`${pki}/client.pem`), key: fs.readFileSync(`${pki}/client.key`) });
  if (scenario === 'no-common-suite') Object.assign(options, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA' });
  if (scenario === 'no-common-version') Object.assign(options, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  const req = https.get(options, (res) => {
    res.resume();
    res.on('end', () => { console.log(`answer HTTP ${res.statusCode} over ${res.socket.getProtocol()}`); process.exit(0); });
  });
  req.on('socket', (socket) => socket.on('keylog', (line) => fs.appendFileSync(keylog, line)));
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err) => { console.log(`error ${err.code || ''} ${err.message}`); process.exit(1); });
}

const a = process.argv.slice(2);
if (a[0] === 'server' && a.length === 5) server(...a.slice(1));
else if (a[0] === 'client' && a.length === 8) client(...a.slice(1));
else { console.error('usage: node-peer.js server PORT CONFIG PKI LOG | client ADDR PORT SNI CA SCENARIO PKI KEYLOG'); process.exit(2); }
