#!/usr/bin/env python3
"""Which names clamscan prints when several signatures match one file: a random differential (compat12).

Usage: conformance/multimatch-diff.py SEED BATCHES 'bin/bulwark scan' [WORKDIR]

Each batch writes ten files, each matched by two to six random signatures (.hdb, .hsb, .ndb plain or with
wildcards/gaps/alternatives/offsets, .ldb), spread over eight database files loaded in a random -d order, scans
them with clamscan and with the candidate, with and without --allmatch, and prints every file whose FOUND lines
(names and their order) differ. Round 11: 97 differing files over seeds 50-59 x 3 batches before compat12,
11 after (the rest: Aho-Corasick ties, see README).
"""
import hashlib, os, random, subprocess, sys, shutil, tempfile
seed = int(sys.argv[1]); batches = int(sys.argv[2]); cand = sys.argv[3]
work = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix="multimatch-")
rnd = random.Random(seed)
fails = 0; found = 0
def hx(b): return b.hex()
for bi in range(batches):
    d = f"{work}/b{seed}_{bi}"; shutil.rmtree(d, ignore_errors=True); os.makedirs(d + "/files"); os.makedirs(d + "/db")
    dbfiles = {}
    kinds = ["hdb", "hsb", "ndb", "ldb"]
    names = [f"{c}.{k}" for k in kinds for c in "ab"]
    rnd.shuffle(names)
    lines = {n: [] for n in names}
    for ci in range(10):
        tag = f"CASE{seed:03d}{bi:02d}{ci:02d}".encode()
        body = bytes(rnd.choice(b"abcdefghij0123456789 ") for _ in range(rnd.randint(40, 120)))
        content = tag + b"|" + body + b"|END" + tag
        with open(f"{d}/files/c{ci:02d}.txt", "wb") as f: f.write(content)
        nsig = rnd.randint(2, 6)
        pieces = []
        for _ in range(rnd.randint(1, 3)):
            if rnd.random() < 0.5: a = 0; b = len(tag) + rnd.randint(0, 20)
            else: b = len(content); a = max(0, b - len(tag) - 4 - rnd.randint(0, 20))
            pieces.append((a, b))
        if rnd.random() < 0.4: pieces.append((pieces[0][0], pieces[0][1] - 2) if pieces[0][0] == 0 else (pieces[0][0] + 2, pieces[0][1]))
        for si in range(nsig):
            kind = rnd.choice(["hdb", "hsb", "ndb", "ndb", "ldb", "ldb"])
            fn = rnd.choice([n for n in names if n.endswith(kind)])
            nm = f"S{ci:02d}_{si}_{kind}"
            if kind == "hdb": lines[fn].append(f"{hashlib.md5(content).hexdigest()}:{len(content)}:{nm}")
            elif kind == "hsb": lines[fn].append(f"{rnd.choice([hashlib.sha1, hashlib.sha256])(content).hexdigest()}:{len(content)}:{nm}")
            else:
                a, b = rnd.choice(pieces)
                pat = hx(content[a:b])
                v = rnd.random()
                if v < 0.25 and b - a > 6:
                    k = rnd.randint(2, b - a - 3); pat = hx(content[a:a+k]) + "??" + hx(content[a+k+1:b])
                elif v < 0.35 and b - a > 8:
                    k = rnd.randint(2, b - a - 5); pat = hx(content[a:a+k]) + "{2}" + hx(content[a+k+2:b])
                elif v < 0.45 and b - a > 8:
                    k = rnd.randint(2, b - a - 5); pat = hx(content[a:a+k]) + "*" + hx(content[a+k+2:b])
                elif v < 0.5 and b - a > 8:
                    k = rnd.randint(2, b - a - 5); pat = hx(content[a:a+k]) + "(" + hx(content[a+k:a+k+1]) + "|00)" + hx(content[a+k+1:b])
                r = rnd.random()
                off = "*" if r < 0.6 else (str(a) if r < 0.75 else (f"0,{a+5}" if r < 0.85 else f"EOF-{len(content)-a}"))
                if kind == "ndb": lines[fn].append(f"{nm}:{rnd.choice(['0','0','0','7'])}:{off}:{pat}")
                else:
                    cond = rnd.choice(["0&1", "0|1", "1&0", "(0|1)&1", "0&1>0"])
                    extra = hx(tag[:6])
                    sub = pat if off == "*" else f"{off}:{pat}"
                    lines[fn].append(f"{nm};Target:{rnd.choice(['0','0','7'])};{cond};{sub};{extra}")
    for n in names:
        if lines[n]:
            rnd.shuffle(lines[n])
            with open(f"{d}/db/{n}", "w") as f: f.write("\n".join(lines[n]) + "\n")
    used = [n for n in names if lines[n]]
    rnd.shuffle(used)
    args = sum([["-d", f"{d}/db/{n}"] for n in used], [])
    for am in ([], ["--allmatch"]):
        outs = []
        for prog in (["clamscan"], cand.split()):
            p = subprocess.run(prog + ["--no-summary"] + am + args + [f"{d}/files"], capture_output=True, text=True)
            outs.append(sorted(p.stdout.splitlines(), key=lambda l: l.split(":")[0]) if False else p.stdout)
        # compare per file, keeping line order inside a file
        def per(o):
            m = {}
            for l in o.splitlines():
                f = l.split(": ")[0]; m.setdefault(f, []).append(l)
            return m
        a, b = per(outs[0]), per(outs[1]); found += outs[0].count("FOUND")
        if "ERROR" in outs[0] or "rror" in outs[0]: print("ERR", outs[0][:300])
        if a != b:
            fails += 1
            print(f"DIFF batch {d} allmatch={bool(am)} order={used}")
            for f in sorted(set(a) | set(b)):
                if a.get(f) != b.get(f): print("  clam:", a.get(f), "\n  bulw:", b.get(f))
print("fails", fails, "found", found)
