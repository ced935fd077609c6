#!/usr/bin/env python3
"""Builds heldout_en_ko.jsonl from the hand-written, marked-up sentences in heldout_source.txt.

Authoring tool only (not used by the build or the tests). It does two things a person should
not do by hand: compute code point offsets, and fill in values whose check digits must be
valid (cards, IBANs, SSNs, ITINs, Korean RRNs, BTC/ETH addresses, GitHub tokens).

Source format, one example per line:
    LEVEL| text with [[TYPE:value]] markup
LEVEL is U (PUBLIC), S (SEMI_SENSITIVE) or P (PRIVATE). '#' starts a comment line; blank
lines are skipped. In the text, "\\n" and "\\t" stand for a newline and a tab. A value that
starts with '=' is a generator call, e.g. [[CREDIT_CARD:=cc(4,16,-)]]; see GENERATORS.
Generators draw from one seeded random stream, so the output is reproducible byte for byte.

Usage: python3 build_heldout.py [heldout_source.txt] [heldout_en_ko.jsonl]
"""

import hashlib
import json
import os
import random
import re
import sys
import zlib

TYPES = {
    "EMAIL", "PHONE", "URL", "IP_ADDRESS", "MAC_ADDRESS", "CREDIT_CARD", "IBAN", "US_SSN",
    "US_ITIN", "KR_RRN", "PASSPORT", "DRIVER_LICENSE", "BANK_ACCOUNT", "CRYPTO_WALLET",
    "SECRET", "PASSWORD", "DATE_OF_BIRTH", "DATE", "PERSON", "LOCATION", "ORGANIZATION",
}
LEVELS = {"U": "PUBLIC", "S": "SEMI_SENSITIVE", "P": "PRIVATE"}

rng = random.Random(20240917)


def digits(n):
    return "".join(str(rng.randrange(10)) for _ in range(n))


# ---- credit cards (Luhn) ------------------------------------------------------------------

def luhn_check_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number):
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def gen_cc(prefix, length, sep=""):
    length = int(length)
    body = prefix + digits(length - len(prefix) - 1)
    number = body + luhn_check_digit(body)
    assert luhn_valid(number)
    sep = {"sp": " ", "none": ""}.get(sep, sep)
    if length == 15:  # Amex groups 4-6-5
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[i:i + 4] for i in range(0, length, 4)]
    return sep.join(groups)


# ---- IBAN (ISO 13616 mod 97) --------------------------------------------------------------

# BBAN layouts: 'n' digit, 'a' upper-case letter, 'c' letter or digit.
IBAN_BBAN = {
    "DE": "n" * 18, "GB": "aaaa" + "n" * 14, "FR": "n" * 23, "ES": "n" * 20,
    "NL": "aaaa" + "n" * 10, "IT": "a" + "n" * 22, "CH": "n" * 17, "BE": "n" * 12,
    "PL": "n" * 24, "AT": "n" * 16,
}
BANK_CODES = {"GB": ["NWBK", "BARC", "HBUK", "LOYD"], "NL": ["ABNA", "INGB", "RABO"]}


def iban_numeric(s):
    return "".join(str(int(ch, 36)) for ch in s)


def iban_valid(iban):
    s = iban.replace(" ", "")
    return int(iban_numeric(s[4:] + s[:4])) % 97 == 1


def gen_iban(country, sep="none"):
    layout = IBAN_BBAN[country]
    bban = ""
    if country in BANK_CODES:
        bban = rng.choice(BANK_CODES[country])
        layout = layout[4:]
    for kind in layout:
        if kind == "n":
            bban += str(rng.randrange(10))
        else:
            bban += chr(ord("A") + rng.randrange(26))
    check = 98 - int(iban_numeric(bban + country + "00")) % 97
    iban = "%s%02d%s" % (country, check, bban)
    assert iban_valid(iban)
    if sep == "sp":
        iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


# ---- US SSN and ITIN ----------------------------------------------------------------------

def gen_ssn(sep="-"):
    while True:
        area = rng.randrange(1, 900)
        if area != 666:
            break
    group = rng.randrange(1, 100)
    serial = rng.randrange(1, 10000)
    sep = {"sp": " ", "none": ""}.get(sep, sep)
    return "%03d%s%02d%s%04d" % (area, sep, group, sep, serial)


def gen_itin(sep="-"):
    middle = rng.choice(list(range(50, 66)) + list(range(70, 89)) + [90, 91, 92] +
                        list(range(94, 100)))
    sep = {"sp": " ", "none": ""}.get(sep, sep)
    return "9%02d%s%02d%s%04d" % (rng.randrange(100), sep, middle, sep, rng.randrange(1, 10000))


# ---- Korean resident registration number --------------------------------------------------

RRN_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]


def rrn_check_digit(first12):
    total = sum(int(d) * w for d, w in zip(first12, RRN_WEIGHTS))
    return str((11 - total % 11) % 10)


def gen_rrn(yymmdd, gender_digit, sep="-"):
    body = yymmdd + gender_digit + digits(5)
    number = body + rrn_check_digit(body)
    sep = {"none": ""}.get(sep, sep)
    return number[:6] + sep + number[6:]


# ---- Bitcoin (Base58Check, Bech32) and Ethereum (EIP-55) ---------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload):
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def gen_btc_legacy(kind="p2pkh"):
    version = b"\x00" if kind == "p2pkh" else b"\x05"
    return base58check(version + bytes(rng.randrange(256) for _ in range(20)))


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def bech32_hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def convert_bits(data, frm, to):
    acc, bits, out = 0, 0, []
    for b in data:
        acc = (acc << frm) | b
        bits += frm
        while bits >= to:
            bits -= to
            out.append((acc >> bits) & ((1 << to) - 1))
    if bits:
        out.append((acc << (to - bits)) & ((1 << to) - 1))
    return out


def gen_btc_bech32():
    program = bytes(rng.randrange(256) for _ in range(20))
    data = [0] + convert_bits(program, 8, 5)
    polymod = bech32_polymod(bech32_hrp_expand("bc") + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    addr = "bc1" + "".join(BECH32[d] for d in data + checksum)
    assert bech32_polymod(bech32_hrp_expand("bc") + [BECH32.index(c) for c in addr[3:]]) == 1
    return addr


KECCAK_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
KECCAK_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
              [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
MASK64 = (1 << 64) - 1


def rol(x, n):
    n %= 64
    return ((x << n) | (x >> (64 - n))) & MASK64 if n else x


def keccak_f(a):
    for rc in KECCAK_RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = rol(a[x][y], KECCAK_ROT[x][y])
        a = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)]
             for x in range(5)]
        a[0][0] ^= rc
    return a


def keccak256(msg, domain=0x01):
    rate = 136
    padded = bytearray(msg) + bytes([domain])
    while len(padded) % rate:
        padded.append(0)
    padded[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(padded), rate):
        block = padded[off:off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            a[x][y] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        a = keccak_f(a)
    out = b""
    for i in range(4):
        out += a[i % 5][i // 5].to_bytes(8, "little")
    return out


# Self-check: with SHA-3's domain byte the sponge must agree with hashlib's sha3_256.
assert keccak256(b"abc", 0x06) == hashlib.sha3_256(b"abc").digest()
assert keccak256(b"x" * 300, 0x06) == hashlib.sha3_256(b"x" * 300).digest()


def eip55(hex_addr):
    lower = hex_addr.lower()
    h = keccak256(lower.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h[i], 16) >= 8 else c
                          for i, c in enumerate(lower))


def gen_eth():
    addr = eip55(bytes(rng.randrange(256) for _ in range(20)).hex())
    assert any(c.isupper() for c in addr[2:]) and any(c.islower() for c in addr[2:])
    return addr


# ---- well-formed fake secrets -------------------------------------------------------------

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def rand_chars(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def gen_github(prefix="ghp"):
    # GitHub's token format: 30 random base62 characters then the CRC32 of them in 6 base62
    # digits.
    body = rand_chars(ALNUM, 30)
    crc = zlib.crc32(body.encode())
    enc = ""
    for _ in range(6):
        crc, r = divmod(crc, 62)
        enc = BASE62[r] + enc
    return prefix + "_" + body + enc


def gen_aws_key():
    return "AKIA" + rand_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def gen_aws_secret():
    return rand_chars(ALNUM + "+/", 40)


def gen_stripe(mode="live"):
    return "sk_%s_%s" % (mode, rand_chars(ALNUM, 24))


def gen_slack():
    return "xoxb-%s-%s-%s" % (digits(12), digits(13), rand_chars(ALNUM, 24))


def gen_google():
    return "AIza" + rand_chars(ALNUM + "-_", 35)


def gen_openai():
    return "sk-proj-" + rand_chars(ALNUM + "-_", 48)


def gen_hex(n):
    return rand_chars("0123456789abcdef", int(n))


def b64url(raw):
    import base64
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def gen_jwt():
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64url(('{"sub":"%s","iat":%s}' % (digits(7), "17" + digits(8))).encode())
    return header + "." + payload + "." + b64url(bytes(rng.randrange(256) for _ in range(32)))


GENERATORS = {
    "cc": gen_cc, "iban": gen_iban, "ssn": gen_ssn, "itin": gen_itin, "rrn": gen_rrn,
    "btc": gen_btc_legacy, "bech32": gen_btc_bech32, "eth": gen_eth, "github": gen_github,
    "aws_key": gen_aws_key, "aws_secret": gen_aws_secret, "stripe": gen_stripe,
    "slack": gen_slack, "google": gen_google, "openai": gen_openai, "hex": gen_hex,
    "jwt": gen_jwt,
}


def expand(value):
    if not value.startswith("="):
        return value
    m = re.fullmatch(r"=(\w+)(?:\((.*)\))?", value)
    if not m:
        raise ValueError("bad generator call %r" % value)
    args = [a.strip() for a in m.group(2).split(",")] if m.group(2) else []
    return GENERATORS[m.group(1)](*args)


MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")


def unescape(s):
    return s.replace("\\n", "\n").replace("\\t", "\t")


def build_line(level, marked, where):
    text, spans, pos = "", [], 0
    for m in MARK.finditer(marked):
        text += unescape(marked[pos:m.start()])
        kind, value = m.group(1), expand(unescape(m.group(2)))
        if kind not in TYPES:
            raise ValueError("%s: unknown type %s" % (where, kind))
        start = len(text)  # Python str indices are code points
        text += value
        spans.append({"start": start, "end": len(text), "type": kind})
        pos = m.end()
    text += unescape(marked[pos:])
    if "[[" in text or "]]" in text:
        raise ValueError("%s: unbalanced markup" % where)
    return {"text": text, "spans": spans, "level": LEVELS[level]}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "heldout_source.txt")
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "heldout_en_ko.jsonl")
    out = []
    with open(src, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            if not raw.strip() or raw.startswith("#"):
                continue
            level, sep, marked = raw.partition("| ")
            if not sep or level not in LEVELS:
                raise ValueError("%s:%d: expected 'LEVEL| text'" % (src, n))
            out.append(build_line(level, marked, "%s:%d" % (src, n)))
    with open(dst, "w", encoding="utf-8") as f:
        for ex in out:
            f.write(json.dumps(ex, ensure_ascii=False) + "\n")
    print("wrote %d examples to %s" % (len(out), dst), file=sys.stderr)


if __name__ == "__main__":
    main()
