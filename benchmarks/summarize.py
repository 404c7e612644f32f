#!/usr/bin/env python3
"""Summarises compare.sh results: medians, ratios against ClamAV/YARA, and the BENCHMARKS.md section."""
import glob
import os
import re
import statistics
import subprocess
import sys

BEGIN = "<!-- BEGIN compare.sh -->"
END = "<!-- END compare.sh -->"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


def main():
    work, doc = sys.argv[1], sys.argv[2]
    meta = dict(a.split("=", 1) for a in sys.argv[3:])
    rows = {}
    order = []
    for line in open(os.path.join(work, "results.tsv")):
        label, wall, cpu, rss, nbytes, rc = line.rstrip("\n").split("\t")
        if label not in rows:
            rows[label] = []
            order.append(label)
        rows[label].append((float(wall), float(cpu), int(rss), int(nbytes), int(rc)))
    med = {}
    for label in order:
        r = rows[label]
        med[label] = dict(wall=statistics.median(x[0] for x in r), cpu=statistics.median(x[1] for x in r),
                          rss=max(x[2] for x in r) / 1024, bytes=r[0][3], n=len(r), rc=sorted({x[4] for x in r}))

    def mbs(v, key):
        return v["bytes"] / 1e6 / v[key] if v[key] > 0 and v["bytes"] else float("nan")

    lines = []
    lines.append("| measurement | runs | wall s (median) | CPU s (median) | MB/s wall | MB/s per CPU-s | peak RSS MB | exit |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---|")
    for label in order:
        v = med[label]
        rate_w = "%.1f" % mbs(v, "wall") if v["bytes"] > 1000 else "-"
        rate_c = "%.1f" % mbs(v, "cpu") if v["bytes"] > 1000 else "-"
        lines.append("| %s | %d | %.2f | %.2f | %s | %s | %.0f | %s |" % (
            label, v["n"], v["wall"], v["cpu"], rate_w, rate_c, v["rss"], ",".join(map(str, v["rc"]))))
    table = "\n".join(lines)

    ratios = []
    for label in order:
        m = re.match(r"(\w+) (clamscan|yara) (.*)", label)
        if not m:
            continue
        sec, ref, rest = m.groups()
        for other in order:
            m2 = re.match(re.escape(sec) + r" (bulwark\S*) " + re.escape(rest) + r"(.*)$", other)
            if not m2:
                continue
            a, b = med[label], med[other]
            sp_w = a["wall"] / b["wall"] if b["wall"] else float("nan")
            sp_c = a["cpu"] / b["cpu"] if b["cpu"] else float("nan")
            mem = b["rss"] / a["rss"] if a["rss"] else float("nan")
            ratios.append("| %s vs %s | %.2f× | %.2f× | %.2f× |" % (other, label, sp_w, sp_c, mem))
    rtable = "| comparison | speed-up, wall (>1 = Bulwark faster) | speed-up, CPU | Bulwark RSS / reference RSS |\n|---|---:|---:|---:|\n" + "\n".join(ratios)

    # per-object cost: objects run minus the database load of the same tool and database, per file
    per = []
    nobj = int(meta.get("objects", "0") or 0)
    for label in order:
        m = re.match(r"objects (\S+) (\S+)$", label)
        if not m or nobj == 0:
            continue
        load = med.get("load %s %s" % m.groups())
        if load:
            per.append("| %s | %.2f ms |" % (label, (med[label]["cpu"] - load["cpu"]) / nobj * 1000))
    # scan-only throughput: big-file (or corpus-subset) run minus the database load of the same tool and database
    net = []
    for label in order:
        m = re.match(r"(?:big|subset) (\S+) (\S+)(?: 1-thread)?$", label)
        if not m:
            continue
        load = med.get("load %s %s" % m.groups())
        if load:
            c = med[label]["cpu"] - load["cpu"]
            net.append("| %s | %.2f | %s |" % (label, c, "%.1f" % (med[label]["bytes"] / 1e6 / c) if c > 0 else "-"))
    ntable = ("| run | scan CPU s (run minus load run) | scan MB per CPU-s |\n|---|---:|---:|\n"
              + "\n".join(net)) if net else ""
    ptable = ("| run | CPU per object (objects run minus load run; wall differences are noise here) |\n|---|---:|\n"
              + "\n".join(per)) if per else ""

    cmds = []
    for f in sorted(glob.glob(os.path.join(work, "cmd.*"))):
        cmds.append("- `%s`: `%s`" % (os.path.basename(f)[4:].replace("_", " ").strip(), open(f).read().strip()))

    machine = "nproc %s; RAM %s; CPU %s; load average at the end: %s; %s; %s" % (
        sh("nproc"), sh("free -h | awk '/Mem:/ {print $2}'"),
        sh("lscpu | sed -n 's/^Model name: *//p' | head -1"), sh("cut -d' ' -f1-3 /proc/loadavg"),
        sh("clamscan --version"), sh(os.environ.get("JAVA_HOME", "/usr") + "/bin/java -version 2>&1 | head -1"))
    section = "\n".join([
        BEGIN,
        "## compare.sh results (generated %s)" % sh("date -u +%Y-%m-%dT%H:%MZ"),
        "",
        "Machine: " + machine + ".",
        "",
        "Inputs: corpus %s files / %.1f MB (random sample of /usr/lib, /usr/share, JDK; files <= 60 MB); "
        "`big.bin` = %.1f MB of concatenated shared libraries; %s small files (<= 16 KiB) for per-object cost; "
        "%s repetitions, tools alternating within each repetition. Databases: gen_sigs.py small (10k hash / 1k body / 100 ldb), "
        "medium (500k / 50k / 5k), large (4M / 200k / 20k)." % (
            meta.get("corpus_files"), int(meta.get("corpus_bytes", 0)) / 1e6, int(meta.get("big_bytes", 0)) / 1e6,
            meta.get("objects"), meta.get("reps"))
        + (" `subset` rows: %s files / %.1f MB of the corpus (every 5th file of its list), large database, one scan "
           "thread, clamscan once per repetition." % (meta.get("subset_files"), int(meta.get("subset_bytes", 0)) / 1e6)
           if int(meta.get("subset_files", "0") or 0) > 0 else ""),
        "",
        rtable,
        "",
        ptable,
        "",
        ntable,
        "",
        table,
        "",
        "Commands (`clamscan` and `bin/bulwark` as on PATH / in this checkout):",
        "",
        "\n".join(cmds),
        END,
    ])
    text = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n\n"
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    open(doc, "w").write(text)
    print(rtable)
    print()
    print(table)


if __name__ == "__main__":
    main()
