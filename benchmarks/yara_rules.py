#!/usr/bin/env python3
"""Writes a YARA rule set that looks like public ones, for benchmarks/compare.sh's YARA rows.

Usage: benchmarks/yara_rules.py FILE_LIST OUT.yar [RULES]

Strings are cut from the files of FILE_LIST (one path per line), so some rules match real files: text strings
(printable runs, with ascii / wide / nocase / fullword as public rules use them), hex strings from binary
files with wildcards, nibbles, jumps and alternatives, and regular expressions built around printable runs
(classes, bounded repeats, alternatives). Conditions mix what public rule sets use: N of them, counts, offsets,
`at` / `in`, uint16/uint32 header checks, filesize bounds and for-loops over matches. Deterministic (fixed seed).
"""
import random
import re
import sys

RNG = random.Random(5)
MAX_READ = 1 << 20  # bytes read from each sampled file


def samples(paths, want_text):
    """Yields (bytes, offset) windows of sampled files: printable runs for text, any bytes for hex."""
    while True:
        p = RNG.choice(paths)
        try:
            with open(p, "rb") as f:
                data = f.read(MAX_READ)
        except OSError:
            continue
        if len(data) < 64:
            continue
        if want_text:
            runs = [m.group(0) for m in re.finditer(rb"[A-Za-z0-9_.:/ -]{8,40}", data[:200000])]
            runs = [r for r in runs if len(set(r)) > 4 and not r.isspace()]
            if runs:
                yield RNG.choice(runs)
        else:
            if not data.startswith(b"\x7fELF") and b"\0" not in data[:4096]:
                continue
            for _ in range(20):
                at = RNG.randrange(0, len(data) - 32)
                chunk = data[at:at + RNG.randint(10, 24)]
                if len(set(chunk[:4])) >= 3 and chunk[:4].count(0) <= 1:
                    yield chunk
                    break


def text_string(s):
    s = s.decode("ascii").replace("\\", "\\\\").replace('"', '\\"')
    mods = RNG.choice(["", "", " ascii", " wide", " ascii wide", " nocase", " fullword", " wide ascii nocase"])
    return '"%s"%s' % (s, mods)


def hex_string(b):
    out = ["%02X" % x for x in b[:4]]  # four fixed bytes first: a good atom, as careful rule writers do
    i = 4
    while i < len(b):
        r = RNG.random()
        if r < 0.12:
            out.append("??")
        elif r < 0.18:
            out.append("%X?" % (b[i] >> 4))
        elif r < 0.24 and i + 2 < len(b):
            lo = RNG.randint(0, 4)
            out.append("[%d-%d]" % (lo, lo + RNG.randint(1, 12)))
        elif r < 0.30 and i + 2 < len(b):
            out.append("( %02X %02X | %02X )" % (b[i], b[i + 1], RNG.randrange(256)))
            i += 1
        else:
            out.append("%02X" % b[i])
        i += 1
    while out[-1].startswith("["):
        out.pop()
    return "{ %s }" % " ".join(out)


def regex_string(s):
    t = s.decode("ascii")
    head = re.escape(t[:5]).replace("/", "\\/")
    tail = re.escape(t[5:9]).replace("/", "\\/")
    middle = RNG.choice(["[a-z0-9_]{1,16}", "\\w+", "[^\\n]{0,40}", "\\d{2,6}", "(foo|bar|baz|\\.so|\\.py)",
                         "[A-Za-z]+\\s?", "\\.{0,3}[a-f0-9]{2,8}"])
    flags = RNG.choice(["", "", "i", "s"])
    return "/%s%s%s/%s" % (head, middle, tail, flags)


def condition(names, kinds):
    hexes = [n for n, k in zip(names, kinds) if k == "hex"]
    n = len(names)
    choices = [
        "any of them",
        "%d of them" % max(1, n // 2),
        "all of them",
        "#%s > 1 and any of them" % names[0][1:],
        "%s and filesize < 20MB" % names[0],
        "for any i in (1..#%s) : (@%s[i] < 0x100000) and %d of them" % (names[0][1:], names[0][1:], max(1, n - 1)),
        "%s in (0..filesize) or (#%s >= 2)" % (names[0], names[-1][1:]),
        "uint32(0) == 0x464c457f and any of them",
        "uint16(0) == 0x5a4d and %d of them" % max(1, n // 2),
        "(uint32(0) == 0x04034b50 or uint32(0) == 0x464c457f) and 1 of them",
        "filesize > 1KB and (%s or %s)" % (names[0], names[-1]),
    ]
    if hexes:
        choices.append("any of ($h*) and filesize < 50MB")
        choices.append("for all of ($h*) : (# >= 1) or %s" % names[0])
    c = RNG.choice(choices)
    return c if "them" in c else "(%s) and any of them" % c  # yara: every string must be referenced


def main():
    paths = [l for l in open(sys.argv[1]).read().split("\n") if l]
    out = sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    texts, bins = samples(paths, True), samples(paths, False)
    rules = []
    for r in range(count):
        names, kinds, lines = [], [], []
        for j in range(RNG.randint(1, 6)):
            kind = RNG.choices(["text", "hex", "regex"], [50, 44, 6])[0]
            name = {"text": "$s", "hex": "$h", "regex": "$r"}[kind] + str(j)
            if kind == "text":
                lines.append("        %s = %s" % (name, text_string(next(texts))))
            elif kind == "hex":
                lines.append("        %s = %s" % (name, hex_string(next(bins))))
            else:
                lines.append("        %s = %s" % (name, regex_string(next(texts))))
            names.append(name)
            kinds.append(kind)
        tags = RNG.choice(["", " : linux", " : tool generic"])
        rules.append("rule gen_%d%s {\n    meta:\n        author = \"bench\"\n        id = %d\n    strings:\n%s\n"
                     "    condition:\n        %s\n}\n" % (r, tags, r, "\n".join(lines), condition(names, kinds)))
    with open(out, "w") as f:
        f.write("\n".join(rules))


if __name__ == "__main__":
    main()
