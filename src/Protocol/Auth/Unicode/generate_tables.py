#!/usr/bin/env python3
# Generates saslprep-tables.bin, the data SaslPrep needs: RFC 3454 tables (from Python's stringprep module, which
# holds them exactly, Unicode 3.2) and NFKC tables (Unicode 14.0 with Python 3.11, as PostgreSQL 15 uses).
# Run: python3 generate_tables.py  (from this folder). Format: little-endian int32s, see UnicodeTables.cs.
import stringprep, struct, sys, unicodedata

MAX = 0x110000

def ranges(pred):
    out, start = [], None
    for cp in range(MAX):
        inside = not (0xD800 <= cp <= 0xDFFF and pred is not stringprep.in_table_c5) and pred(chr(cp))
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            out.append((start, cp - 1)); start = None
    if start is not None:
        out.append((start, MAX - 1))
    return out

def prohibited(ch):
    return any(f(ch) for f in (stringprep.in_table_c12, stringprep.in_table_c21, stringprep.in_table_c22,
                               stringprep.in_table_c3, stringprep.in_table_c4, stringprep.in_table_c5,
                               stringprep.in_table_c6, stringprep.in_table_c7, stringprep.in_table_c8,
                               stringprep.in_table_c9))

def is_hangul_syllable(cp):
    return 0xAC00 <= cp <= 0xD7A3

data = bytearray()
def i32(*values):
    for v in values:
        data.extend(struct.pack('<i', v))

for pred in (stringprep.in_table_a1, stringprep.in_table_b1, stringprep.in_table_c12, prohibited,
             stringprep.in_table_d1, stringprep.in_table_d2):
    rs = ranges(pred)
    i32(len(rs))
    for a, b in rs:
        i32(a, b)

chars = [cp for cp in range(MAX) if not 0xD800 <= cp <= 0xDFFF]
ccc = [(cp, unicodedata.combining(chr(cp))) for cp in chars if unicodedata.combining(chr(cp))]
i32(len(ccc))
for cp, c in ccc:
    i32(cp, c)

decomp = []
for cp in chars:
    if is_hangul_syllable(cp):
        continue
    d = unicodedata.normalize('NFKD', chr(cp))
    if d != chr(cp):
        decomp.append((cp, [ord(x) for x in d]))
i32(len(decomp))
for cp, d in decomp:
    i32(cp, len(d), *d)

compose = []
for cp in chars:
    if is_hangul_syllable(cp):
        continue
    d = unicodedata.decomposition(chr(cp))
    if not d or d.startswith('<'):
        continue
    parts = [int(x, 16) for x in d.split()]
    # Primary composites only: a character excluded from composition does not survive NFC.
    if len(parts) == 2 and unicodedata.normalize('NFC', chr(cp)) == chr(cp):
        compose.append((parts[0], parts[1], cp))
i32(len(compose))
for a, b, c in compose:
    i32(a, b, c)

open('saslprep-tables.bin', 'wb').write(data)
print(f'{len(data)} bytes; unicode {unicodedata.unidata_version}; {len(ccc)} ccc, {len(decomp)} decompositions, {len(compose)} compositions', file=sys.stderr)
