#!/usr/bin/env python3
"""Peak RSS of a daemon during one RELOAD, ConcurrentDatabaseReload yes vs no (daemon13, round 12).

usage: [RELOADS=N] reload-rss.py RUNS DBDIR WORKDIR [bulwark|clamd ...]
Per run and mode (alternated): start the daemon on a copy of DBDIR, wait for PONG and 1 s without CPU
(bulwark's heap trim after the first load), read VmRSS, reset the peak (/proc/PID/clear_refs 5), change
one signature file (so the reload swaps), send zRELOAD, wait for the reload in the log and 1 s idle, read
VmHWM (the peak during the reload) and VmRSS. Prints one line per run and the medians.
"""
import os, shutil, socket, statistics, subprocess, sys, time

runs, src, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
reloads = int(os.environ.get("RELOADS", "1"))  # trim13: RELOADS=N reloads in a row (peak over all, RSS after the last)
daemons = sys.argv[4:] or ["bulwark"]
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DONE = ("Database correctly reloaded", "reload_th:", "database reloaded", "database unchanged", "database reload failed")

def mem(pid, key):
    for l in open("/proc/%d/status" % pid):
        if l.startswith(key + ":"):
            return int(l.split()[1]) / 1024.0
def cpu(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
def ask(port, req, timeout=10):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(req)
        return s.recv(256)
def idle(pid, secs):
    since, last = time.time(), cpu(pid)
    while time.time() - since < secs:
        time.sleep(0.1)
        now = cpu(pid)
        if now != last:
            since, last = time.time(), now
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

db = os.path.join(work, "db")
shutil.rmtree(db, ignore_errors=True)
shutil.copytree(src, db)
res = {}
for run in range(1, runs + 1):
    for daemon in daemons:
        for mode in (["yes", "no"] if run % 2 else ["no", "yes"]):
            d = os.path.join(work, "run-%s-%s" % (daemon, mode))
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            port, logf = free_port(), os.path.join(d, "log")
            conf = os.path.join(d, "clamd.conf")
            open(conf, "w").write("TCPSocket %d\nTCPAddr 127.0.0.1\nDatabaseDirectory %s\nTemporaryDirectory %s\n"
                                  "Foreground yes\nLogFile %s\nSelfCheck 0\nConcurrentDatabaseReload %s\n" % (port, db, d, logf, mode))
            cmd = ["clamd", "--config-file=" + conf] if daemon == "clamd" else [os.path.join(here, "bin/bulwark"), "daemon", "--config", conf]
            open(os.path.join(db, "gen.ndb"), "w").write("Gen.Start:0:*:%s\n" % os.urandom(8).hex())
            p = subprocess.Popen(cmd, stdout=open(os.path.join(d, "out"), "w"), stderr=subprocess.STDOUT)
            t0 = time.time()
            while True:
                try:
                    if ask(port, b"zPING\0", 2).startswith(b"PONG"):
                        break
                except OSError:
                    pass
                if p.poll() is not None or time.time() - t0 > 600:
                    raise SystemExit("%s did not start" % daemon)
                time.sleep(0.05)
            idle(p.pid, 1.0)
            loaded, start_peak = mem(p.pid, "VmRSS"), mem(p.pid, "VmHWM")
            open("/proc/%d/clear_refs" % p.pid, "w").write("5")
            afters = []
            for r in range(reloads):
                open(os.path.join(db, "gen.ndb"), "w").write("Gen.Reload:0:*:%s\n" % os.urandom(8).hex())
                mark = os.path.getsize(logf) if os.path.exists(logf) else 0
                t1 = time.time()
                ask(port, b"zRELOAD\0")
                while not any(w in open(logf, errors="replace").read()[mark:] for w in DONE):
                    if time.time() - t1 > 600:
                        raise SystemExit("no reload")
                    time.sleep(0.05)
                reload_s = time.time() - t1
                idle(p.pid, 1.0)
                afters.append(mem(p.pid, "VmRSS"))
            peak, after = mem(p.pid, "VmHWM"), afters[-1]
            if reloads > 1:
                print("run %d %-7s CDR %-3s: RSS after each of %d reloads: %s MB" % (run, daemon, mode, reloads, " ".join("%.0f" % a for a in afters)), flush=True)
            try:
                ask(port, b"zSHUTDOWN\0")
            except OSError:
                pass
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill(); p.wait()
            res.setdefault((daemon, mode), []).append((loaded, peak, after, reload_s))
            print("run %d %-7s CDR %-3s: loaded RSS %4.0f MB, start peak %4.0f MB, reload peak %4.0f MB, after %4.0f MB, reload %.1f s"
                  % (run, daemon, mode, loaded, start_peak, peak, after, reload_s), flush=True)
print("median over %d runs:" % runs)
for (daemon, mode), v in sorted(res.items()):
    m = [statistics.median(x[i] for x in v) for i in range(4)]
    print("%-7s CDR %-3s: loaded %4.0f MB, reload peak %4.0f MB (+%4.0f), after %4.0f MB, reload %.1f s" % (daemon, mode, m[0], m[1], m[1] - m[0], m[2], m[3]))
