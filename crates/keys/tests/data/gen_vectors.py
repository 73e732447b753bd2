#!/usr/bin/env python3
"""Reference values for tlsdoctor-keys' derivation and record tests, computed
independently with Python's hashlib/hmac and the `cryptography` package (48.x).
Run from this directory: python3 gen_vectors.py > vectors.txt

Each line: NAME key=HEX ... (fields depend on the vector kind).
"""
import hashlib, hmac, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESCCM, ChaCha20Poly1305
from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4


def p_hash(h, secret, seed, n):
    out, a = b"", seed
    while len(out) < n:
        a = hmac.new(secret, a, h).digest()
        out += hmac.new(secret, a + seed, h).digest()
    return out[:n]


def prf10(secret, label, seed, n):
    half = (len(secret) + 1) // 2
    a = p_hash(hashlib.md5, secret[:half], label + seed, n)
    b = p_hash(hashlib.sha1, secret[len(secret) - half:], label + seed, n)
    return bytes(x ^ y for x, y in zip(a, b))


def prf_ssl3(secret, seed, n):
    out, i = b"", 0
    while len(out) < n:
        label = bytes([ord("A") + i]) * (i + 1)
        out += hashlib.md5(secret + hashlib.sha1(label + secret + seed).digest()).digest()
        i += 1
    return out[:n]


def expand_label(h, secret, label, ctx, n):
    full = b"tls13 " + label
    info = struct.pack(">HB", n, len(full)) + full + bytes([len(ctx)]) + ctx
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(secret, t + info + bytes([i]), h).digest()
        out += t
        i += 1
    return out[:n]


def pat(n, start):
    return bytes((start + 7 * i) & 0xFF for i in range(n))


def line(name, **kv):
    print(name + " " + " ".join(f"{k}={v.hex() if isinstance(v, bytes) else v}" for k, v in kv.items()))


secret, seed = pat(48, 1), pat(64, 2)
line("prf_tls12_sha256", secret=secret, seed=seed, out=p_hash(hashlib.sha256, secret, b"test label" + seed, 100))
line("prf_tls12_sha384", secret=secret, seed=seed, out=p_hash(hashlib.sha384, secret, b"test label" + seed, 150))
odd = pat(47, 3)
line("prf_tls10_odd", secret=odd, seed=seed, out=prf10(odd, b"test label", seed, 104))
line("prf_ssl3", secret=secret, seed=seed, out=prf_ssl3(secret, seed, 104))
ts = pat(32, 5)
line("hkdf_sha256_key", secret=ts, out=expand_label(hashlib.sha256, ts, b"key", b"", 16))
line("hkdf_sha256_iv", secret=ts, out=expand_label(hashlib.sha256, ts, b"iv", b"", 12))
line("hkdf_sha256_upd", secret=ts, out=expand_label(hashlib.sha256, ts, b"traffic upd", b"", 32))
ts384 = pat(48, 6)
line("hkdf_sha384_finished", secret=ts384, out=expand_label(hashlib.sha384, ts384, b"finished", b"", 48))
ctx = hashlib.sha256(b"transcript").digest()
line("hkdf_sha256_ctx", secret=ts, ctx=ctx, out=expand_label(hashlib.sha256, ts, b"c hs traffic", ctx, 32))

# Records. TLS 1.0-1.2 MAC input: seq(8) type(1) version(2) length(2) content.
def mac_input(seq, typ, ver, data):
    return struct.pack(">QB", seq, typ) + ver + struct.pack(">H", len(data)) + data


msgs = [b"first record, client to server", b"second one\n", b""]

# RC4_128_SHA (0x0005), TLS 1.0.
mk, key = pat(20, 9), pat(16, 10)
ver = b"\x03\x01"
rc4 = Cipher(ARC4(key), mode=None).encryptor()
recs = []
for seq, m in enumerate(msgs[:2]):
    tag = hmac.new(mk, mac_input(seq, 23, ver, m), hashlib.sha1).digest()
    recs.append(rc4.update(m + tag))
line("rec_rc4_sha_tls10", suite="0005", version="0301", mac_key=mk, key=key, iv=b"", etm=b"\x00",
     r0=recs[0], r1=recs[1], p0=msgs[0], p1=msgs[1])

# NULL_SHA256 (0x003b), TLS 1.2.
mk = pat(32, 11)
ver = b"\x03\x03"
recs = [m + hmac.new(mk, mac_input(seq, 23, ver, m), hashlib.sha256).digest() for seq, m in enumerate(msgs[:2])]
line("rec_null_sha256", suite="003b", version="0303", mac_key=mk, key=b"", iv=b"", etm=b"\x00",
     r0=recs[0], r1=recs[1], p0=msgs[0], p1=msgs[1])


def cbc(key, iv, data):
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return e.update(data) + e.finalize()


def pad(data, bs, n=None):
    if n is None:
        n = bs - 1 - len(data) % bs
    return data + bytes([n]) * (n + 1)


# AES_128_CBC_SHA256 (0x003c), TLS 1.2, encrypt_then_mac.
mk, key = pat(32, 12), pat(16, 13)
recs = []
for seq, m in enumerate(msgs[:2]):
    iv = pat(16, 40 + seq)
    body = iv + cbc(key, iv, pad(m, 16))
    recs.append(body + hmac.new(mk, mac_input(seq, 23, ver, body), hashlib.sha256).digest())
line("rec_aes128_cbc_sha256_etm", suite="003c", version="0303", mac_key=mk, key=key, iv=b"", etm=b"\x01",
     r0=recs[0], r1=recs[1], p0=msgs[0], p1=msgs[1])

# AES_128_CBC_SHA (0x002f), TLS 1.1, MAC-then-encrypt, 50 bytes of padding on the
# second record; a third record with a correct MAC but inconsistent padding bytes.
mk, key = pat(20, 14), pat(16, 15)
ver = b"\x03\x02"
recs = []
for seq, m in enumerate(msgs):
    iv = pat(16, 60 + seq)
    tag = hmac.new(mk, mac_input(seq, 23, ver, m), hashlib.sha1).digest()
    plain = m + tag
    if seq == 1:
        plain = pad(plain, 16, 16 * 3 + 15 - (len(plain) % 16))
    elif seq == 2:
        plain = pad(plain, 16)
        plain = plain[:-2] + bytes([plain[-2] ^ 1]) + plain[-1:]
    else:
        plain = pad(plain, 16)
    recs.append(iv + cbc(key, iv, plain))
line("rec_aes128_cbc_sha_tls11", suite="002f", version="0302", mac_key=mk, key=key, iv=b"", etm=b"\x00",
     r0=recs[0], r1=recs[1], r2=recs[2], p0=msgs[0], p1=msgs[1])

# AES_256_CCM_8 (0xc0a1), TLS 1.2: nonce = salt(4) + explicit(8), AAD = seq type ver len.
key, salt = pat(32, 16), pat(4, 17)
ver = b"\x03\x03"
ccm = AESCCM(key, tag_length=8)
recs = []
for seq, m in enumerate(msgs[:2]):
    explicit = struct.pack(">Q", 1000 + seq)
    recs.append(explicit + ccm.encrypt(salt + explicit, m, mac_input(seq, 23, ver, m)[:13]))
line("rec_aes256_ccm8", suite="c0a1", version="0303", mac_key=b"", key=key, iv=salt, etm=b"\x00",
     r0=recs[0], r1=recs[1], p0=msgs[0], p1=msgs[1])


# TLS 1.3: key/iv from the traffic secret, nonce = iv XOR seq, AAD = record header.
def tls13(name, suite, h, aead_of, keylen, secret):
    key = expand_label(h, secret, b"key", b"", keylen)
    iv = expand_label(h, secret, b"iv", b"", 12)
    a = aead_of(key)
    recs = []
    for seq, (m, typ, padn) in enumerate([(msgs[0], 23, 0), (msgs[1], 22, 9)]):
        inner = m + bytes([typ]) + b"\x00" * padn
        n = bytes(x ^ y for x, y in zip(iv, b"\x00" * 4 + struct.pack(">Q", seq)))
        clen = len(inner) + (8 if "ccm8" in name else 16)
        hdr = b"\x17\x03\x03" + struct.pack(">H", clen)
        recs.append(a.encrypt(n, inner, hdr))
    line(name, suite=suite, secret=secret, r0=recs[0], r1=recs[1], p0=msgs[0], p1=msgs[1])


tls13("rec13_aes256gcm", "1302", hashlib.sha384, AESGCM, 32, pat(48, 20))
tls13("rec13_chacha", "1303", hashlib.sha256, ChaCha20Poly1305, 32, pat(32, 21))
tls13("rec13_aes128ccm", "1304", hashlib.sha256, lambda k: AESCCM(k, tag_length=16), 16, pat(32, 22))
tls13("rec13_aes128ccm8", "1305", hashlib.sha256, lambda k: AESCCM(k, tag_length=8), 16, pat(32, 23))
