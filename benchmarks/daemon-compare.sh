#!/usr/bin/env bash
# bulwark daemon against clamd, in one run, alternating the daemons, several repetitions.
#
#   benchmarks/daemon-compare.sh                    # small + medium databases, 3 repetitions
#   REPS=2 DBS=small CORPUS_MB=60 benchmarks/daemon-compare.sh
#   (benchmarks/compare.sh runs it with its REPS and WORK/daemon unless DAEMON=0)
#
# Both daemons read the same clamd.conf (TCP + UNIX socket on loopback) and the same database from
# ../shared/tools/gen_sigs.py (with planted positives, so both must report the same detections). Per run:
#   start-up   process start until the first PONG over TCP (polled every 10 ms)
#   RSS        VmRSS right after the first PONG, and VmHWM (peak) after each workload
#   multiscan  clamdscan --multiscan over a corpus directory: cold pass, then a warm pass (clean caches), then
#              RELOAD (same database: drops both daemons' clean-file caches) and a third pass, the steady state of
#              a long-lived daemon scanning new files (the headline keeps the cold pass; RELOADED=0 skips it:
#              clamd's pass with the medium database costs as much as its cold one, ~25 s on a quiet machine)
#   stream     clamdscan --stream over a few files; fdpass: clamdscan --fdpass over the same files
#   flood      500 concurrent INSTREAM clients x 64 KiB (python threads), all must get their verdict
# CPU is the daemon's own user+sys time (/proc/PID/stat) spent on each workload: the number to compare on a
# shared machine. Wall seconds are printed too but depend on the load. Results: $WORK/daemon-results.tsv and
# the section between the daemon-compare.sh markers in docs/BENCHMARKS.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WORK:-/tmp/bulwark-daemon-compare}"
REPS="${REPS:-3}"
DBS="${DBS:-small medium}"
CORPUS_MB="${CORPUS_MB:-100}"
GEN_SIGS="${GEN_SIGS:-$here/../shared/tools/gen_sigs.py}"
[ -f "$GEN_SIGS" ] || GEN_SIGS=/work/shared/tools/gen_sigs.py
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mkdir -p "$WORK"
log() { echo "[daemon-compare $(date -u +%H:%M:%S)] $*" >&2; }

if [ -z "${SKIP_BUILD:-}" ]; then
  log "building bulwark"
  (cd "$here" && mvn -q -B -o -DskipTests package >/dev/null 2>&1) || (cd "$here" && mvn -q -B -DskipTests package >/dev/null)
fi
for s in $DBS; do
  if [ ! -f "$WORK/db-$s/db/synth.ndb" ]; then
    log "generating $s database"
    python3 "$GEN_SIGS" --size "$s" --plant 3 --out "$WORK/db-$s" >/dev/null
  fi
  # the same database compiled to Bulwark's snapshot: a third daemon reads it (DatabaseDirectory X.bsnap)
  if [ ! -f "$WORK/db-$s.bsnap" ] || [ "$WORK/db-$s/db/synth.ndb" -nt "$WORK/db-$s.bsnap" ] \
      || ! "$here/bin/bulwark" db info "$WORK/db-$s.bsnap" >/dev/null 2>&1; then # older format
    log "compiling $s snapshot"
    "$here/bin/bulwark" db compile -d "$WORK/db-$s/db" -o "$WORK/db-$s.bsnap" >/dev/null
  fi
done

# bin/bulwark's AOT caches: the main one, then the daemon's own (bulwark-daemon.aot, trained on the first daemon
# start after a build; docs/benchmarks/daemon.md "daemon"), both made before anything is measured. A training another
# run started in the background is waited for (the lock), then the caches are trained in the foreground.
if [ "${BULWARK_AOT:-auto}" != off ]; then
  for i in 1 2; do
    flock "$here/cli/target/bulwark.aot.lock" true 2>/dev/null || true
    BULWARK_AOT=sync "$here/bin/bulwark" --help >/dev/null 2>&1 || true
    BULWARK_AOT=sync "$here/bin/bulwark" daemon --check-config >/dev/null 2>&1 || true
  done
  [ -s "$here/cli/target/bulwark-daemon.aot" ] || log "warning: no daemon AOT cache (the daemon starts from the main one)"
fi

RELOADED="${RELOADED:-1}" python3 - "$here" "$WORK" "$REPS" "$CORPUS_MB" $DBS <<'EOF'
import os, shutil, signal, socket, struct, subprocess, sys, threading, time, random, statistics, datetime
here, work, reps, corpus_mb, dbs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
TICK = os.sysconf("SC_CLK_TCK")
FLOOD = 500

def log(*a):
    print("[daemon-compare %s]" % time.strftime("%H:%M:%S", time.gmtime()), *a, file=sys.stderr, flush=True)

# ---- corpus: real files from /usr, plus every database's planted positives ----
corpus = os.path.join(work, "corpus")
if not os.path.isdir(corpus) or open(os.path.join(work, "corpus.mb")).read() != str(corpus_mb):
    shutil.rmtree(corpus, ignore_errors=True)
    os.makedirs(corpus)
    files, seen = [], set()
    for root in ("/usr/lib", "/usr/share"):
        for d, dirs, names in os.walk(root):
            dirs.sort()
            if d.startswith(("/usr/lib/debug", "/usr/share/package-lists")):
                dirs[:] = []
                continue
            for n in sorted(names):
                p = os.path.join(d, n)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                import stat as S
                if S.S_ISREG(st.st_mode) and 0 < st.st_size <= 8 << 20 and (st.st_dev, st.st_ino) not in seen:
                    seen.add((st.st_dev, st.st_ino))
                    files.append((p, st.st_size))
    random.Random(7).shuffle(files)
    total = 0
    for i, (p, s) in enumerate(files):
        if total >= corpus_mb * 1_000_000:
            break
        sub = os.path.join(corpus, "d%02d" % (i % 20))
        os.makedirs(sub, exist_ok=True)
        try:
            shutil.copyfile(p, os.path.join(sub, "%05d_%s" % (i, os.path.basename(p))))
            total += s
        except OSError:
            pass
    open(os.path.join(work, "corpus.mb"), "w").write(str(corpus_mb))
for s in dbs:
    planted = os.path.join(work, "db-%s" % s, "planted")
    if os.path.isdir(planted):
        dst = os.path.join(corpus, "planted-" + s)
        if not os.path.isdir(dst):
            shutil.copytree(planted, dst, ignore=shutil.ignore_patterns("expected.tsv"))
corpus_files = sum(len(f) for _, _, f in os.walk(corpus))
corpus_bytes = sum(os.path.getsize(os.path.join(d, n)) for d, _, fs in os.walk(corpus) for n in fs)
few = sorted(os.path.join(d, n) for d, _, fs in os.walk(os.path.join(corpus, "d00")) for n in fs)[:20]
few_bytes = sum(os.path.getsize(p) for p in few)
log("corpus: %d files, %.1f MB; stream/fdpass set: %d files, %.1f MB" % (corpus_files, corpus_bytes / 1e6, len(few), few_bytes / 1e6))

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def proc_cpu(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / TICK

def proc_status(pid, key):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0

def proc_mem(pid, key):
    return proc_status(pid, key) / 1024.0

def ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"zPING\0")
            return s.recv(16) == b"PONG\0"
    except OSError:
        return False

def instream(port, body):
    with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
        s.sendall(b"zINSTREAM\0" + struct.pack(">I", len(body)) + body + b"\0\0\0\0")
        out = b""
        while True:
            d = s.recv(4096)
            if not d:
                return out
            out += d

rows = []  # (db, daemon, rep, metric, value)
def record(db, daemon, rep, metric, value):
    rows.append((db, daemon, rep, metric, value))

def clamdscan(conf, args):
    t0 = time.time()
    p = subprocess.run(["clamdscan", "--config-file=" + conf, "--no-summary"] + args, capture_output=True, text=True)
    return time.time() - t0, p.returncode, p.stdout

found_sets = {}
# log lines that end a reload: clamd 1.4 ("Database correctly reloaded (N signatures)", or its failure) and bulwark
RELOAD_DONE = ("Database correctly reloaded", "reload_th:", "database reloaded", "database unchanged", "database reload failed")
def multiscan_pass(db, daemon, rep, label, p, client):
    # one `clamdscan --multiscan` of the corpus: wall, the daemon's CPU for it, and its FOUND lines
    c0 = proc_cpu(p.pid)
    wall, rc, out = clamdscan(client, ["--multiscan", corpus])
    cpu = proc_cpu(p.pid) - c0
    found = sorted(l for l in out.splitlines() if l.endswith(" FOUND"))
    found_sets.setdefault((db, label), {})[daemon] = found
    record(db, daemon, rep, label + "_wall_s", wall)
    record(db, daemon, rep, label + "_cpu_s", cpu)
    record(db, daemon, rep, label + "_found", len(found))
    log("  %s: %.2f s wall, daemon cpu %.2f s, %d FOUND, exit %d" % (label, wall, cpu, len(found), rc))

def reloaded_pass(db, daemon, rep, d, p, port, client):
    # steady state without the clean-file cache: RELOAD (same database) drops it in both daemons (each
    # builds a new engine; bulwark keeps its engine when unchanged but drops the cache, as clamd), then
    # a third pass rescans everything with a warmed-up process. Not counted: the reload itself.
    logf = os.path.join(d, "log")
    mark = os.path.getsize(logf) if os.path.exists(logf) else 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"zRELOAD\0")
        s.recv(64)
    t1 = time.time()
    while time.time() - t1 < 600:
        text = open(logf, errors="replace").read()[mark:] if os.path.exists(logf) else ""
        if any(w in text for w in RELOAD_DONE):
            break
        time.sleep(0.05)
    else:
        raise SystemExit("%s: no reload in its log after 600 s" % daemon)
    idle_since, last = time.time(), proc_cpu(p.pid)   # the reload's clean-up (old engine, heap trim)
    while time.time() - idle_since < 0.5 and time.time() - t1 < 660:
        time.sleep(0.1)
        now = proc_cpu(p.pid)
        if now != last:
            idle_since, last = time.time(), now
    multiscan_pass(db, daemon, rep, "multiscan_reloaded", p, client)
    record(db, daemon, rep, "rss_peak_after_reload_mb", proc_mem(p.pid, "VmHWM"))

warmed = set()
for rep in range(1, reps + 1):
    for db in dbs:
        dbdir = os.path.join(work, "db-%s" % db, "db")
        order = ["clamd", "bulwark", "bulwark-snap"] if rep % 2 else ["bulwark-snap", "bulwark", "clamd"]
        for daemon in order:
            d = os.path.join(work, "run-%s-%s" % (daemon, db))
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            port, sock = free_port(), os.path.join(d, "s.sock")
            conf = os.path.join(d, "clamd.conf")
            dbpath = dbdir if daemon != "bulwark-snap" else os.path.join(work, "db-%s.bsnap" % db)
            open(conf, "w").write("TCPSocket %d\nTCPAddr 127.0.0.1\nLocalSocket %s\nDatabaseDirectory %s\n"
                                  "TemporaryDirectory %s\nForeground yes\nLogFile %s\nMaxThreads 2\n"
                                  "StreamMaxLength 100M\nMaxConnectionQueueLength 1000\n"
                                  % (port, sock, dbpath, d, os.path.join(d, "log")))
            client = os.path.join(d, "client.conf")
            open(client, "w").write("TCPSocket %d\nTCPAddr 127.0.0.1\nLocalSocket %s\n" % (port, sock))
            cmd = ["clamd", "--config-file=" + conf] if daemon == "clamd" else [os.path.join(here, "bin/bulwark"), "daemon", "--config", conf]
            if (daemon, db) not in warmed:
                # one untimed start first: the JVM writes its class-data archive (bin/bulwark's CDS) on its first
                # start after a build, and both daemons find the database files in the page cache afterwards
                warmed.add((daemon, db))
                w = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                t0 = time.time()
                while not ping(port) and w.poll() is None and time.time() - t0 < 600:
                    time.sleep(0.05)
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                        s.sendall(b"zSHUTDOWN\0")
                except OSError:
                    pass
                try:
                    w.wait(60)
                except subprocess.TimeoutExpired:
                    w.kill(); w.wait()
                time.sleep(0.5)
            t0 = time.time()
            p = subprocess.Popen(cmd, stdout=open(os.path.join(d, "out"), "w"), stderr=subprocess.STDOUT)
            while not ping(port):
                if p.poll() is not None or time.time() - t0 > 600:
                    raise SystemExit("%s did not start: %s" % (daemon, open(os.path.join(d, "out")).read()[-2000:]))
                time.sleep(0.01)
            startup = time.time() - t0
            record(db, daemon, rep, "startup_s", startup)
            record(db, daemon, rep, "startup_cpu_s", proc_cpu(p.pid))
            record(db, daemon, rep, "rss_loaded_mb", proc_mem(p.pid, "VmRSS"))
            log("%s %s rep %d: first PONG after %.2f s, RSS %.0f MB" % (daemon, db, rep, startup, proc_mem(p.pid, "VmRSS")))
            for label in ("multiscan_cold", "multiscan_warm"):
                multiscan_pass(db, daemon, rep, label, p, client)
            record(db, daemon, rep, "rss_peak_after_multiscan_mb", proc_mem(p.pid, "VmHWM"))
            if os.environ.get("RELOADED") != "0":
                reloaded_pass(db, daemon, rep, d, p, port, client)
            for label, args in (("stream", ["--stream"]), ("fdpass", ["--fdpass"])):
                c0 = proc_cpu(p.pid)
                conf_used = client if label == "stream" else os.path.join(d, "client-unix.conf")
                if label == "fdpass":
                    open(conf_used, "w").write("LocalSocket %s\n" % sock)
                wall, rc, out = clamdscan(conf_used, args + few)
                ok = rc in (0, 1) and "ERROR" not in out
                record(db, daemon, rep, label + "_wall_s", wall)
                record(db, daemon, rep, label + "_cpu_s", proc_cpu(p.pid) - c0)
                log("  %s %d files: %.2f s wall, daemon cpu %.2f s%s" % (label, len(few), wall, proc_cpu(p.pid) - c0, "" if ok else " ERRORS: " + out[-300:]))
            body = bytes(random.Random(5).getrandbits(8) for _ in range(64 * 1024))
            c0, t1 = proc_cpu(p.pid), time.time()
            results = [None] * FLOOD
            def client_thread(i):
                try:
                    results[i] = instream(port, body)
                except OSError as e:
                    results[i] = repr(e).encode()
            ts = [threading.Thread(target=client_thread, args=(i,)) for i in range(FLOOD)]
            for t in ts: t.start()
            for t in ts: t.join()
            good = sum(1 for r in results if r == b"stream: OK\0")
            record(db, daemon, rep, "flood_wall_s", time.time() - t1)
            record(db, daemon, rep, "flood_cpu_s", proc_cpu(p.pid) - c0)
            record(db, daemon, rep, "flood_ok", good)
            record(db, daemon, rep, "rss_peak_after_flood_mb", proc_mem(p.pid, "VmHWM"))
            record(db, daemon, rep, "threads_after_flood", proc_status(p.pid, "Threads"))
            log("  flood %d x 64 KiB: %d OK, %.2f s wall, daemon cpu %.2f s, peak RSS %.0f MB"
                % (FLOOD, good, time.time() - t1, proc_cpu(p.pid) - c0, proc_mem(p.pid, "VmHWM")))
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.sendall(b"zSHUTDOWN\0")
            except OSError:
                pass
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill(); p.wait()

with open(os.path.join(work, "daemon-results.tsv"), "w") as f:
    for r in rows:
        f.write("\t".join(str(x) for x in r) + "\n")

# ---- summary: medians per db/daemon/metric, ratio bulwark / clamd ----
def med(db, daemon, metric):
    v = [r[4] for r in rows if r[0] == db and r[1] == daemon and r[3] == metric]
    return statistics.median(v) if v else float("nan"), (min(v), max(v)) if v else (0, 0)

METRICS = [("startup_s", "start-up to first PONG (s, wall)"), ("startup_cpu_s", "start-up CPU (s)"),
           ("rss_loaded_mb", "RSS after load (MB)"),
           ("multiscan_cold_cpu_s", "`--multiscan` cold: daemon CPU (s)"), ("multiscan_cold_wall_s", "`--multiscan` cold: wall (s)"),
           ("multiscan_warm_cpu_s", "`--multiscan` repeat (clean cache): daemon CPU (s)"), ("multiscan_warm_wall_s", "`--multiscan` repeat: wall (s)"),
           ("multiscan_reloaded_cpu_s", "`--multiscan` after RELOAD (cache dropped, warmed-up process): daemon CPU (s)"),
           ("multiscan_reloaded_wall_s", "`--multiscan` after RELOAD: wall (s)"),
           ("rss_peak_after_multiscan_mb", "peak RSS after multiscan (MB)"),
           ("rss_peak_after_reload_mb", "peak RSS after RELOAD and its multiscan (MB)"),
           ("stream_cpu_s", "`--stream` %d files: daemon CPU (s)" % len(few)), ("stream_wall_s", "`--stream`: wall (s)"),
           ("fdpass_cpu_s", "`--fdpass` %d files: daemon CPU (s)" % len(few)), ("fdpass_wall_s", "`--fdpass`: wall (s)"),
           ("flood_cpu_s", "%d concurrent INSTREAM x 64 KiB: daemon CPU (s)" % FLOOD), ("flood_wall_s", "flood: wall (s)"),
           ("flood_ok", "flood: clients answered `stream: OK`"), ("rss_peak_after_flood_mb", "peak RSS after flood (MB)"),
           ("threads_after_flood", "threads after flood")]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
load = open("/proc/loadavg").read().split()[:3]
md = ["<!-- BEGIN daemon-compare.sh -->",
      "## Daemon vs clamd: daemon-compare.sh (generated %s)" % now, "",
      "`REPS=%d DBS=\"%s\" CORPUS_MB=%d benchmarks/daemon-compare.sh` — clamd 1.4.6 and `bulwark daemon` (bin/bulwark: "
      "JDK 25, SerialGC, CDS) read the same clamd.conf (`MaxThreads 2`, TCP + UNIX socket on loopback) and the same "
      "gen_sigs.py database (with 3 planted positives per kind; the third daemon reads it compiled with `bulwark db compile` to a "
      "`.bsnap` snapshot), started alternately, %d repetitions; median (min–max). "
      "Corpus: %d files, %.0f MB (real files from /usr plus the planted ones) in 20+ directories; `--stream`/`--fdpass` "
      "set: %d files, %.1f MB. CPU = the daemon process's user+sys seconds for that workload (/proc/PID/stat), the figure "
      "to compare on this shared 2-vCPU machine (load average at the end: %s). Ratio = bulwark / clamd."
      % (reps, " ".join(dbs), corpus_mb, reps, corpus_files, corpus_bytes / 1e6, len(few), few_bytes / 1e6, " ".join(load)), ""]
for db in dbs:
    md += ["### %s database" % db, "", "| measurement | clamd | bulwark | ratio | bulwark, .bsnap | ratio |", "|---|---|---|---|---|---|"]
    for m, title in METRICS:
        if not any(r[0] == db and r[3] == m for r in rows):
            continue  # not measured in this run (RELOADED=0)
        c, cr = med(db, "clamd", m)
        cells = []
        for daemon in ("bulwark", "bulwark-snap"):
            b, br = med(db, daemon, m)
            ratio = "%.2f×" % (b / c) if c and c == c and b == b and not m.startswith(("flood_ok", "threads")) else ""
            fmt = (lambda v, r: "%d" % v) if m.startswith(("flood_ok", "threads")) else (lambda v, r: "%.2f (%.2f–%.2f)" % (v, r[0], r[1]))
            cells += [fmt(b, br), ratio]
        md.append("| %s | %s | %s |" % (title, fmt(c, cr), " | ".join(cells)))
    for label in ("multiscan_cold", "multiscan_warm", "multiscan_reloaded"):
        fs = found_sets.get((db, label), {})
        if not fs:
            continue
        for daemon in ("bulwark", "bulwark-snap"):
            same = fs.get("clamd") == fs.get(daemon)
            md.append("")
            md.append("`%s` detections (last repetition): clamd %d, %s %d, %s." % (label, len(fs.get("clamd", [])), daemon, len(fs.get(daemon, [])),
                      "identical lines" if same else "DIFFERENT: " + "; ".join(sorted(set(fs.get("clamd", [])) ^ set(fs.get(daemon, []))))[:600]))
    md.append("")
md.append("<!-- END daemon-compare.sh -->")
section = "\n".join(md) + "\n"
print(section)
doc = os.path.join(here, "docs", "BENCHMARKS.md")
text = open(doc).read()
b, e = "<!-- BEGIN daemon-compare.sh -->", "<!-- END daemon-compare.sh -->"
if b in text and e in text:
    text = text[:text.index(b)] + section.rstrip("\n") + text[text.index(e) + len(e):]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(doc, "w").write(text)
log("wrote %s and %s" % (os.path.join(work, "daemon-results.tsv"), doc))
EOF
