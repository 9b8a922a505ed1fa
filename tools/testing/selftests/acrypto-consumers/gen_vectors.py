#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate vectors.h, the known-answer vectors of the AF_ALG tests.

Two sources:

 * standards, typed in below from the documents (FIPS 180-4 examples,
   RFC 2202, RFC 4231, the GCM specification's test cases, NIST SP 800-38A,
   IEEE 1619); each is checked here against Python's hashlib/hmac and the
   'cryptography' package before it is written out, so a typo cannot reach
   the header;
 * the kernel's own crypto/testmgr.h (Debian's linux-source-6.1), for the
   RFC 4106 and authenc(hmac(sha256),cbc(aes)) vectors, which have no
   standard test vectors of their own.  These are parsed from the C source.

Usage: gen_vectors.py TESTMGR_H > vectors.h
"""

import hashlib
import hmac
import re
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

H = bytes.fromhex


def hexs(s):
    return H(re.sub(r"\s+", "", s))


# ---------------------------------------------------------------- standards

# FIPS 180-4 / the NIST "Cryptographic Standards and Guidelines" examples.
MSG448 = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
MSG896 = (b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
          b"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
HASH_STD = [
    # (alg, source, message, digest)
    ("sha1", "FIPS 180-4 SHA-1 'abc'", b"abc",
     "a9993e364706816aba3e25717850c26c9cd0d89d"),
    ("sha1", "FIPS 180-4 SHA-1 empty", b"",
     "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    ("sha1", "FIPS 180-4 SHA-1 448-bit", MSG448,
     "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ("sha1", "FIPS 180-4 SHA-1 896-bit", MSG896,
     "a49b2446a02c645bf419f995b67091253a04a259"),
    ("sha256", "FIPS 180-4 SHA-256 'abc'", b"abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("sha256", "FIPS 180-4 SHA-256 empty", b"",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("sha256", "FIPS 180-4 SHA-256 448-bit", MSG448,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ("sha256", "FIPS 180-4 SHA-256 896-bit", MSG896,
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
]
# One million 'a': fed in pieces by the stream tests.
MILLION_A = [
    ("sha1", "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
    ("sha256",
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
]

# RFC 2202 (HMAC-SHA-1), test cases 1-7.
HMAC_SHA1_STD = [
    ("RFC 2202 case 1", "0b" * 20, b"Hi There",
     "b617318655057264e28bc0b6fb378c8ef146be00"),
    ("RFC 2202 case 2", b"Jefe".hex(), b"what do ya want for nothing?",
     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    ("RFC 2202 case 3", "aa" * 20, b"\xdd" * 50,
     "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
    ("RFC 2202 case 4", "0102030405060708090a0b0c0d0e0f10111213141516171819",
     b"\xcd" * 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
    ("RFC 2202 case 5", "0c" * 20, b"Test With Truncation",
     "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    ("RFC 2202 case 6", "aa" * 80,
     b"Test Using Larger Than Block-Size Key - Hash Key First",
     "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    ("RFC 2202 case 7", "aa" * 80,
     b"Test Using Larger Than Block-Size Key and Larger Than One "
     b"Block-Size Data",
     "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
]

# RFC 4231 (HMAC-SHA-256), test cases 1-7; case 5 is truncated to 128 bits.
HMAC_SHA256_STD = [
    ("RFC 4231 case 1", "0b" * 20, b"Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    ("RFC 4231 case 2", b"Jefe".hex(), b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ("RFC 4231 case 3", "aa" * 20, b"\xdd" * 50,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    ("RFC 4231 case 4", "0102030405060708090a0b0c0d0e0f10111213141516171819",
     b"\xcd" * 50,
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    ("RFC 4231 case 5", "0c" * 20, b"Test With Truncation",
     "a3b6167473100ee06e0c796c2955552b"),
    ("RFC 4231 case 6", "aa" * 131,
     b"Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ("RFC 4231 case 7", "aa" * 131,
     b"This is a test using a larger than block-size key and a larger "
     b"than block-size data. The key needs to be hashed before being "
     b"used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]

# The Galois/Counter Mode of Operation (McGrew, Viega; the test cases of
# the GCM specification submitted to NIST): cases 1-4, 7, 13-16.
GCM_P = ("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
         "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255")
GCM_P60 = GCM_P[:120]
GCM_A = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
GCM_STD = [
    # (source, key, iv, aad, ptext, ctext, tag)
    ("GCM test case 1", "00" * 16, "00" * 12, "", "", "",
     "58e2fccefa7e3061367f1d57a4e7455a"),
    ("GCM test case 2", "00" * 16, "00" * 12, "", "00" * 16,
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"),
    ("GCM test case 3", "feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "", GCM_P,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"),
    ("GCM test case 4", "feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", GCM_A, GCM_P60,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"),
    ("GCM test case 7", "00" * 24, "00" * 12, "", "", "",
     "cd33b28ac773f74ba00ed1f312572435"),
    ("GCM test case 13", "00" * 32, "00" * 12, "", "", "",
     "530f8afbc74536b9a963b4f1c4cb738b"),
    ("GCM test case 14", "00" * 32, "00" * 12, "", "00" * 16,
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"),
    ("GCM test case 15",
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "", GCM_P,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"),
    ("GCM test case 16",
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", GCM_A, GCM_P60,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"),
]

# NIST SP 800-38A F.1.1, F.2.1, F.5.1 (AES-128) and IEEE 1619-2007 XTS
# vector 4 (Key1 || Key2, data unit 0, 512 bytes; its first ciphertext block
# is checked below, the rest computed with 'cryptography').
SP38A_KEY = "2b7e151628aed2a6abf7158809cf4f3c"
SP38A_P = ("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
           "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
SKCIPHER_STD = [
    # (mode, source, key, iv, ptext, ctext)
    ("ecb", "SP 800-38A F.1.1 ECB-AES128", SP38A_KEY, "", SP38A_P,
     "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
     "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"),
    ("cbc", "SP 800-38A F.2.1 CBC-AES128", SP38A_KEY,
     "000102030405060708090a0b0c0d0e0f", SP38A_P,
     "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"),
    ("ctr", "SP 800-38A F.5.1 CTR-AES128", SP38A_KEY,
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", SP38A_P,
     "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"),
]
XTS_STD_KEY = "2718281828459045235360287471352631415926535897932384626433832795"
XTS_STD_IV = "00" * 16
# IEEE 1619-2007 vector 4: plaintext 00 01 .. ff 00 01 .. ff
XTS_STD_P = bytes(range(256)) * 2


def check_standards():
    for alg, src, msg, dig in HASH_STD:
        assert hashlib.new(alg, msg).hexdigest() == dig, src
    for alg, dig in MILLION_A:
        assert hashlib.new(alg, b"a" * 1000000).hexdigest() == dig, alg
    for src, key, msg, dig in HMAC_SHA1_STD:
        assert hmac.new(H(key), msg, "sha1").hexdigest() == dig, src
    for src, key, msg, dig in HMAC_SHA256_STD:
        full = hmac.new(H(key), msg, "sha256").hexdigest()
        assert full[:len(dig)] == dig, src
    for src, key, iv, aad, pt, ct, tag in GCM_STD:
        out = AESGCM(H(key)).encrypt(H(iv), H(pt), H(aad) or None)
        assert out == H(ct) + H(tag), src
    for mode, src, key, iv, pt, ct in SKCIPHER_STD:
        m = {"ecb": lambda: modes.ECB(), "cbc": lambda: modes.CBC(H(iv)),
             "ctr": lambda: modes.CTR(H(iv))}[mode]()
        enc = Cipher(algorithms.AES(H(key)), m).encryptor()
        assert enc.update(H(pt)) + enc.finalize() == H(ct), src


# ---------------------------------------------------------------- testmgr.h

def c_string(lit):
    """Bytes of a C string literal body (no quotes)."""
    out = bytearray()
    i = 0
    while i < len(lit):
        c = lit[i]
        if c != "\\":
            out += c.encode("latin-1")
            i += 1
            continue
        n = lit[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", lit[i + 2:])
            out.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", lit[i + 1:])
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
        else:
            out += {"n": b"\n", "t": b"\t", "\\": b"\\", '"': b'"',
                    "'": b"'", "r": b"\r"}[n]
            i += 2
    return bytes(out)


def le_branch(text):
    """Keep the __LITTLE_ENDIAN side of #ifdef __LITTLE_ENDIAN blocks."""
    out, keep = [], [True]
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#ifdef __LITTLE_ENDIAN"):
            keep.append(keep[-1])
        elif s.startswith("#else") and len(keep) > 1:
            keep[-1] = not keep[-1] and keep[-2]
        elif s.startswith("#endif") and len(keep) > 1:
            keep.pop()
        elif keep[-1]:
            out.append(line)
    return "\n".join(out)


def template(src, name):
    m = re.search(r"static const struct \w+ " + re.escape(name) +
                  r"\[\] = \{", src)
    assert m, name
    i, depth = m.end(), 1
    start = i
    while depth:
        depth += {"{": 1, "}": -1}.get(src[i], 0)
        i += 1
    body = le_branch(src[start:i - 1])
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    entries, depth, cur = [], 0, ""
    for ch in body:
        if ch == "{":
            depth += 1
            if depth == 1:
                cur = ""
                continue
        elif ch == "}":
            depth -= 1
            if depth == 0:
                entries.append(cur)
                continue
        if depth >= 1:
            cur += ch
    vecs = []
    for e in entries:
        fields = {}
        for fm in re.finditer(r"\.(\w+)\s*=\s*(.*?)(?=,\s*\.\w+\s*=|,?\s*$)",
                              e, flags=re.S):
            k, v = fm.group(1), fm.group(2).strip()
            if v.startswith('"'):
                fields[k] = c_string("".join(re.findall(r'"((?:[^"\\]|\\.)*)"',
                                                        v)))
            elif v == "zeroed_string":
                fields[k] = bytes(48)
            else:
                fields[k] = eval(v)  # lengths such as 8 + 32 + 16
        vecs.append(fields)
    return vecs


def check_rfc4106(v):
    """Recompute a parsed RFC 4106 vector: the parser must be right."""
    key = v["key"][:v["klen"]]
    iv, alen = v.get("iv", bytes(8))[:8], v.get("alen", 0)
    aad = v.get("assoc", b"")[:alen - 8]    # the IV ends the AAD
    pt = v.get("ptext", b"")[:v.get("plen", 0)]
    out = AESGCM(key[:-4]).encrypt(key[-4:] + iv, pt, aad or None)
    if v.get("novrfy"):
        assert out != v["ctext"][:v["clen"]], v["src"]
    else:
        assert out == v["ctext"][:v["clen"]], v["src"]


def check_authenc(v):
    """Recompute a parsed authenc(hmac(sha256),cbc(aes)) vector."""
    key = v["key"][:v["klen"]]
    rtalen, rtatype = struct.unpack("<HH", key[:4])   # little endian host
    enclen = struct.unpack(">I", key[4:8])[0]          # crypto_authenc_key_param
    assert rtalen == 8 and rtatype == 1
    authkey, enckey = key[8:-enclen], key[-enclen:]
    pt = v.get("ptext", b"")[:v.get("plen", 0)]
    aad = v.get("assoc", b"")[:v.get("alen", 0)]
    enc = Cipher(algorithms.AES(enckey), modes.CBC(v["iv"][:16])).encryptor()
    ct = enc.update(pt) + enc.finalize()
    tag = hmac.new(authkey, aad + ct, "sha256").digest()
    clen = v["clen"]
    assert (ct + tag)[:clen] == v["ctext"][:clen], v["src"]


# ---------------------------------------------------------------- output

def cbytes(b):
    if not b:
        return '""'
    s = "".join("\\x%02x" % x for x in b)
    return "\n\t\t".join('"%s"' % s[i:i + 64] for i in range(0, len(s), 64))


def cstr(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def main():
    check_standards()
    src = open(sys.argv[1], encoding="latin-1").read()
    o = []
    w = o.append
    w("/* SPDX-License-Identifier: GPL-2.0 */")
    w("/*")
    w(" * Known-answer vectors for the AF_ALG tests.  Generated by")
    w(" * gen_vectors.py from the standards typed in there (checked against")
    w(" * Python's hashlib/hmac and the 'cryptography' package) and from")
    w(" * Debian linux-source-6.1 crypto/testmgr.h.  Do not edit.")
    w(" */")
    w("#ifndef ACRYPTO_CONSUMERS_VECTORS_H")
    w("#define ACRYPTO_CONSUMERS_VECTORS_H")
    w("")
    w("#include <stddef.h>")
    w("")
    w("struct aead_kat {")
    w("\tconst char *src;")
    w("\tconst char *key;\tunsigned int klen;")
    w("\tconst char *iv;\t/* ivsize of the algorithm */")
    w("\tconst char *assoc;\tunsigned int alen;")
    w("\tconst char *ptext;\tunsigned int plen;")
    w("\tconst char *ctext;\tunsigned int clen;\t/* text || tag */")
    w("\tint novrfy;\t/* the tag does not verify */")
    w("};")
    w("")
    w("struct hash_kat {")
    w("\tconst char *src;")
    w("\tconst char *key;\tunsigned int klen;")
    w("\tconst char *msg;\tunsigned int mlen;")
    w("\tconst char *digest;\tunsigned int dlen;\t/* may be truncated */")
    w("};")
    w("")
    w("struct skcipher_kat {")
    w("\tconst char *src;")
    w("\tconst char *key;\tunsigned int klen;")
    w("\tconst char *iv;")
    w("\tconst char *ptext;\tconst char *ctext;\tunsigned int len;")
    w("};")
    w("")

    def aead_array(name, vecs, ivsize):
        w("static const struct aead_kat %s[] = {" % name)
        for v in vecs:
            iv = v.get("iv", b"")[:ivsize].ljust(ivsize, b"\0")
            key = v["key"][:v["klen"]]
            alen = v.get("alen", 0)
            plen = v.get("plen", 0)
            clen = v["clen"]
            w("\t{")
            w("\t\t.src = %s," % cstr(v["src"]))
            w("\t\t.key = %s,\n\t\t.klen = %d," % (cbytes(key), len(key)))
            w("\t\t.iv = %s," % cbytes(iv))
            w("\t\t.assoc = %s,\n\t\t.alen = %d," %
              (cbytes(v.get("assoc", b"")[:alen]), alen))
            w("\t\t.ptext = %s,\n\t\t.plen = %d," %
              (cbytes(v.get("ptext", b"")[:plen]), plen))
            w("\t\t.ctext = %s,\n\t\t.clen = %d," %
              (cbytes(v["ctext"][:clen]), clen))
            w("\t\t.novrfy = %d," % v.get("novrfy", 0))
            w("\t},")
        w("};")
        w("")

    gcm = []
    for src_, key, iv, aad, pt, ct, tag in GCM_STD:
        gcm.append({"src": src_, "key": H(key), "klen": len(H(key)),
                    "iv": H(iv), "assoc": H(aad), "alen": len(H(aad)),
                    "ptext": H(pt), "plen": len(H(pt)),
                    "ctext": H(ct) + H(tag), "clen": len(H(ct) + H(tag))})
    aead_array("gcm_kat", gcm, 12)

    tm = template(src, "aes_gcm_rfc4106_tv_template")
    for n, v in enumerate(tm):
        v["src"] = "testmgr.h aes_gcm_rfc4106_tv_template[%d]" % n
        assert not v.get("setkey_error") and not v.get("crypt_error")
        check_rfc4106(v)
    aead_array("rfc4106_kat", tm, 8)

    tm = template(src, "hmac_sha256_aes_cbc_tv_temp")
    for n, v in enumerate(tm):
        v["src"] = "testmgr.h hmac_sha256_aes_cbc_tv_temp[%d] (RFC 3602 " \
                   "case %d)" % (n, n + 1)
        check_authenc(v)
    aead_array("authenc_kat", tm, 16)

    def hash_array(name, vecs):
        w("static const struct hash_kat %s[] = {" % name)
        for src_, key, msg, dig in vecs:
            w("\t{")
            w("\t\t.src = %s," % cstr(src_))
            w("\t\t.key = %s,\n\t\t.klen = %d," % (cbytes(key), len(key)))
            w("\t\t.msg = %s,\n\t\t.mlen = %d," % (cbytes(msg), len(msg)))
            w("\t\t.digest = %s,\n\t\t.dlen = %d," % (cbytes(dig), len(dig)))
            w("\t},")
        w("};")
        w("")

    hash_array("sha1_kat", [(s, b"", m, H(d)) for a, s, m, d in HASH_STD
                            if a == "sha1"])
    hash_array("sha256_kat", [(s, b"", m, H(d)) for a, s, m, d in HASH_STD
                              if a == "sha256"])
    hash_array("hmac_sha1_kat", [(s, H(k), m, H(d))
                                 for s, k, m, d in HMAC_SHA1_STD])
    hash_array("hmac_sha256_kat", [(s, H(k), m, H(d))
                                   for s, k, m, d in HMAC_SHA256_STD])
    w("/* FIPS 180-4: one million times 'a'. */")
    for alg, dig in MILLION_A:
        w("static const char %s_million_a[] = %s;" % (alg, cbytes(H(dig))))
    w("")

    w("static const struct skcipher_kat skcipher_kat[] = {")
    for mode, src_, key, iv, pt, ct in SKCIPHER_STD:
        w("\t{")
        w("\t\t.src = %s," % cstr(mode + ": " + src_))
        w("\t\t.key = %s,\n\t\t.klen = %d," % (cbytes(H(key)), len(H(key))))
        w("\t\t.iv = %s," % cbytes(H(iv)))
        w("\t\t.ptext = %s," % cbytes(H(pt)))
        w("\t\t.ctext = %s,\n\t\t.len = %d," % (cbytes(H(ct)), len(H(pt))))
        w("\t},")
    # IEEE 1619 vector 4: checked against 'cryptography' as well.
    key = H(XTS_STD_KEY)
    xts = Cipher(algorithms.AES(key), modes.XTS(H(XTS_STD_IV))).encryptor()
    ct = xts.update(XTS_STD_P) + xts.finalize()
    assert ct[:16] == H("27a7479befa1d476489f308cd4cfa6e2"), "XTS vector 4"
    w("\t{")
    w("\t\t.src = %s," % cstr("xts: IEEE 1619-2007 XTS-AES-128 vector 4"))
    w("\t\t.key = %s,\n\t\t.klen = %d," % (cbytes(key), len(key)))
    w("\t\t.iv = %s," % cbytes(H(XTS_STD_IV)))
    w("\t\t.ptext = %s," % cbytes(XTS_STD_P))
    w("\t\t.ctext = %s,\n\t\t.len = %d," % (cbytes(ct), len(XTS_STD_P)))
    w("\t},")
    w("};")
    w("")
    w("#endif /* ACRYPTO_CONSUMERS_VECTORS_H */")
    print("\n".join(o))


if __name__ == "__main__":
    main()
