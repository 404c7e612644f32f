#!/usr/bin/env python3
# Alternated daemon runs (daemon10, round 10): per daemon and repetition, start-up CPU to the first PONG, then the
# passes named in PASSES, each `clamdscan --multiscan` of WORK/corpus (daemon-compare.sh's layout and database):
#   cold      the first pass        warm   again (clean-file cache)     reloaded  after a RELOAD (cache dropped)
#   flood     500 concurrent INSTREAM x 64 KiB (all must answer "stream: OK")
# CPU = the daemon's user+sys (/proc/PID/stat) around each pass, split by thread name (C1, C2, VM Thread; the scan
# workers end with the pass, so their CPU is the rest). The order of the daemons is reversed every repetition.
#   REPS=6 CHRT=1 PASSES="cold warm reloaded" benchmarks/daemon-alternate.py \
#       before=/tmp/x-before/bin/bulwark after=bin/bulwark 'try=bin/bulwark@-XX:SomeFlag' clamd=clamd
# NAME=LAUNCHER@OPTS passes OPTS as BULWARK_JAVA_OPTS; clamd=clamd runs clamd 1.4.6. CHRT=1 runs every daemon under
# `chrt -r 1` (an overloaded machine); DBDIR= another database (a directory or a .bsnap); SLEEP= seconds between
# the first PONG and the first pass (0: as daemon-compare.sh).
# CONF_NAME='Line\nLine' appends lines to daemon NAME's clamd.conf (daemon15: CONF_nocache='DisableCache yes').
import os, sys, socket, subprocess, time, shutil, statistics, collections
W = os.environ.get("WORK", "/tmp/bulwark-daemon-compare"); corpus = W + "/corpus"; dbdir = os.environ.get("DBDIR", W + "/db-small/db")
TICK = os.sysconf("SC_CLK_TCK")
reps = int(os.environ.get("REPS", "3")); passes = os.environ.get("PASSES", "cold").split()
chrt = os.environ.get("CHRT") == "1"
daemons = []
for a in sys.argv[1:]:
    label, spec = a.split("=", 1)
    exe, _, extra = spec.partition("@")
    daemons.append((label, exe, extra))
def cpu(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split(); return (int(f[11]) + int(f[12])) / TICK
def threads(pid):
    g = collections.Counter()
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            name = open("/proc/%d/task/%s/comm" % (pid, t)).read().strip()
            f = open("/proc/%d/task/%s/stat" % (pid, t)).read().rsplit(")", 1)[1].split()
        except OSError: continue
        c = (int(f[11]) + int(f[12])) / TICK
        k = "C2" if name.startswith("C2") else "C1" if name.startswith("C1") else name if name in ("clamd-multiscan", "VM Thread", "main", "clamd-pathscan") else "other"
        g[k] += c
    return g
def ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"zPING\0"); return s.recv(16) == b"PONG\0"
    except OSError: return False
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
res = collections.defaultdict(list)
for rep in range(reps):
    order = daemons if rep % 2 == 0 else daemons[::-1]
    for label, exe, extra in order:
        d = os.path.join(W, "alt-run-" + label); shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
        port, sock = free_port(), d + "/s.sock"
        conf = d + "/clamd.conf"
        open(conf, "w").write("TCPSocket %d\nTCPAddr 127.0.0.1\nLocalSocket %s\nDatabaseDirectory %s\nTemporaryDirectory %s\nForeground yes\nLogFile %s\nMaxThreads 2\nStreamMaxLength 100M\nMaxConnectionQueueLength 1000\n" % (port, sock, dbdir, d, d + "/log")
                                 + os.environ.get("CONF_" + label, "").replace("\\n", "\n") + "\n")
        client = d + "/client.conf"; open(client, "w").write("TCPSocket %d\nTCPAddr 127.0.0.1\n" % port)
        cmd = ["clamd", "--config-file=" + conf] if exe == "clamd" else [exe, "daemon", "--config", conf]
        if chrt: cmd = ["chrt", "-r", "1"] + cmd
        env = dict(os.environ)
        if extra: env["BULWARK_JAVA_OPTS"] = extra
        t0 = time.time()
        p = subprocess.Popen(cmd, stdout=open(d + "/out", "w"), stderr=subprocess.STDOUT, env=env)
        while not ping(port):
            if p.poll() is not None or time.time() - t0 > 300: raise SystemExit(label + " did not start " + open(d + "/out").read()[-2000:])
            time.sleep(0.01)
        time.sleep(float(os.environ.get("SLEEP", "0")))
        res[(label, "startup")].append(cpu(p.pid))
        for ps in [x for x in passes if x != "none"]:
            if ps == "flood":
                import threading, struct, random as R
                body = bytes(R.Random(5).getrandbits(8) for _ in range(64 * 1024)); results = [None] * 500
                def cl(i):
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
                            s.sendall(b"zINSTREAM\0" + struct.pack(">I", len(body)) + body + b"\0\0\0\0"); out = b""
                            while True:
                                d2 = s.recv(4096)
                                if not d2: break
                                out += d2
                            results[i] = out
                    except OSError as e: results[i] = repr(e).encode()
                c0, w0 = cpu(p.pid), time.time()
                ts = [threading.Thread(target=cl, args=(i,)) for i in range(500)]
                for t in ts: t.start()
                for t in ts: t.join()
                res[(label, "flood")].append(cpu(p.pid) - c0); res[(label, "flood_wall")].append(time.time() - w0)
                print("rep %d %s flood: cpu %.2f wall %.2f ok %d" % (rep, label, cpu(p.pid) - c0, time.time() - w0, sum(1 for r in results if r == b"stream: OK\0")), flush=True)
                continue
            if ps == "reloaded":
                mark = os.path.getsize(d + "/log")
                with socket.create_connection(("127.0.0.1", port), timeout=10) as s: s.sendall(b"zRELOAD\0"); s.recv(64)
                while not any(w in open(d + "/log", errors="replace").read()[mark:] for w in ("Database correctly reloaded", "database reloaded", "database unchanged")): time.sleep(0.05)
                last, idle = cpu(p.pid), time.time()
                while time.time() - idle < 0.5:
                    time.sleep(0.1); n = cpu(p.pid)
                    if n != last: last, idle = n, time.time()
            c0, th0, w0 = cpu(p.pid), threads(p.pid), time.time()
            out = subprocess.run(["clamdscan", "--config-file=" + client, "--no-summary", "--multiscan", corpus], capture_output=True, text=True).stdout
            c1, th1 = cpu(p.pid), threads(p.pid)
            found = sum(1 for l in out.splitlines() if l.endswith(" FOUND"))
            res[(label, ps)].append(c1 - c0); res[(label, ps + "_wall")].append(time.time() - w0)
            for k in set(th1) | set(th0): res[(label, ps + ":" + k)].append(th1[k] - th0[k])
            print("rep %d %s %s: cpu %.2f wall %.2f found %d  %s" % (rep, label, ps, c1 - c0, time.time() - w0, found,
                  " ".join("%s=%.2f" % (k, th1[k] - th0[k]) for k in sorted(th1))), flush=True)
        res[(label, "rss")].append(int([l for l in open("/proc/%d/status" % p.pid) if l.startswith("VmHWM")][0].split()[1]) / 1024)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s: s.sendall(b"zSHUTDOWN\0")
        except OSError: pass
        try: p.wait(60)
        except subprocess.TimeoutExpired: p.kill(); p.wait()
print("load", open("/proc/loadavg").read().strip())
for label, _, _ in daemons:
    if res[(label, "cold")]: res[(label, "start+cold")] = [a + b for a, b in zip(res[(label, "startup")], res[(label, "cold")])]
keys = sorted({k[1] for k in res})
for label, _, _ in daemons:
    print(label, "  ".join("%s %.2f (%.2f-%.2f)" % (k, statistics.median(res[(label, k)]), min(res[(label, k)]), max(res[(label, k)])) for k in keys if res[(label, k)]))
