#!/usr/bin/env python3
"""Daemon memory on RELOAD: RSS after the first load, the peak during each reload and RSS after it, for
`bulwark daemon` and `clamd` on the same database, while a client keeps scanning.

Usage: benchmarks/reload_memory.py [--reloads N] [--same] [--snapshot] [--clamd] [--work DIR]
                                   [--bulwark CMD] [--db DIR] [--label NAME]
  --db DIR      the text database to start from (default /tmp/bulwark-compare/db-large/db; read only)
  --work DIR    where the config, the database copy (symlinks) and logs go (default /tmp/reload-work)
  --snapshot    serve a .bsnap snapshot compiled from DIR (+ a small changing file) instead of the text files
  --same        RELOAD an unchanged database (Bulwark keeps its engine and drops the new one); by default a
                small extra .ndb changes before every reload, so the new engine replaces the old one
  --clamd       measure clamd instead (text database only; clamd reloads in the background)
  --bulwark CMD how to start Bulwark (default: bin/bulwark of this checkout), e.g. 'java -XX:+UseSerialGC -jar X'
The daemon listens on 127.0.0.1 only. RSS is sampled from /proc/PID/status every 10 ms. During each reload
a client scans a file that only the unchanging part of the database detects and a clean file, one request
after another, and checks every answer; the count of answers received while the reload ran is printed.
"""
import argparse
import os
import shlex
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# seconds to wait before reading RSS "after": the daemon's heap trim (a full collection) runs after a reload
SETTLE = 5


def rss(pid):
    """(VmRSS, RssAnon, RssFile) in MB."""
    out = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            if k in ('VmRSS', 'RssAnon', 'RssFile'):
                out[k] = int(v.split()[0]) // 1024
    return out.get('VmRSS', 0), out.get('RssAnon', 0), out.get('RssFile', 0)


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, False

    def run(self):
        while not self.stop:
            try:
                self.peak = max(self.peak, rss(self.pid)[0])
            except (OSError, ValueError):
                return
            time.sleep(0.01)

    def take_peak(self):
        p, self.peak = self.peak, 0
        return p


def ask(port, req, timeout=600):
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
        s.sendall(req)
        data = b''
        while True:
            b = s.recv(65536)
            if not b:
                return data
            data += b
            if data.endswith(b'\0'):
                return data


class Prober(threading.Thread):
    """Scans the detected and the clean file in turn until stopped; counts correct and wrong answers."""

    def __init__(self, port, infected, clean):
        super().__init__(daemon=True)
        self.port, self.infected, self.clean = port, infected, clean
        self.ok, self.wrong, self.stop = 0, [], False

    def run(self):
        while not self.stop:
            for path, want in ((self.infected, b'Reload.Probe.UNOFFICIAL FOUND\0'), (self.clean, b': OK\0')):
                try:
                    r = ask(self.port, b'zSCAN ' + path.encode() + b'\0')
                except OSError as e:
                    r = repr(e).encode()
                if r.endswith(want):
                    self.ok += 1
                else:
                    self.wrong.append(r)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def log_count(path, needles):
    try:
        with open(path, errors='replace') as f:
            return sum(1 for line in f if any(n in line for n in needles))
    except OSError:
        return 0


def write_extra(path, gen):
    """The changing part: one signature whose pattern depends on the generation."""
    with open(path, 'w') as f:
        f.write('Reload.Gen%d:0:*:%s\n' % (gen, ('reload-generation-%06d' % gen).encode().hex()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reloads', type=int, default=5)
    ap.add_argument('--same', action='store_true')
    ap.add_argument('--snapshot', action='store_true')
    ap.add_argument('--clamd', action='store_true')
    ap.add_argument('--work', default='/tmp/reload-work')
    ap.add_argument('--db', default='/tmp/bulwark-compare/db-large/db')
    ap.add_argument('--bulwark', default=os.path.join(HERE, '..', 'bin', 'bulwark'))
    ap.add_argument('--label', default='')
    a = ap.parse_args()
    work = os.path.abspath(a.work)
    text = os.path.join(work, 'text')
    os.makedirs(text, exist_ok=True)
    for f in os.listdir(text):
        os.unlink(os.path.join(text, f))
    for f in sorted(os.listdir(a.db)):
        os.symlink(os.path.join(os.path.abspath(a.db), f), os.path.join(text, f))
    probe = os.path.join(work, 'probe')
    os.makedirs(probe, exist_ok=True)
    infected, clean = os.path.join(probe, 'infected.txt'), os.path.join(probe, 'clean.txt')
    with open(infected, 'w') as f:
        f.write('some text with reload-probe-marker inside\n')
    with open(clean, 'w') as f:
        f.write('nothing to see here\n')
    with open(os.path.join(text, 'probe.ndb'), 'w') as f:
        f.write('Reload.Probe:0:*:%s\n' % b'reload-probe-marker'.hex())
    extra = os.path.join(text, 'extra.ndb')
    gen = 0
    write_extra(extra, gen)

    snaps = []
    if a.snapshot:
        # two snapshots that differ in the extra signature; db.bsnap (a symlink) points at the one to serve
        for g in (0, 1):
            out = os.path.join(work, 'gen%d.bsnap' % g)
            if not os.path.exists(out):
                write_extra(extra, g)
                subprocess.run(shlex.split(a.bulwark) + ['db', 'compile', '-d', text, '-o', out], check=True,
                               stdout=subprocess.DEVNULL)
            snaps.append(out)
        db = os.path.join(work, 'db.bsnap')
        if os.path.lexists(db):
            os.unlink(db)
        os.symlink(snaps[0], db)
    else:
        db = text

    port = free_port()
    log = os.path.join(work, 'daemon.log')
    if os.path.exists(log):
        os.unlink(log)
    conf = os.path.join(work, 'daemon.conf')
    with open(conf, 'w') as f:
        f.write('TCPSocket %d\nTCPAddr 127.0.0.1\nDatabaseDirectory %s\nLogFile %s\nSelfCheck 0\nForeground yes\n'
                'MaxThreads 4\nTemporaryDirectory %s\n' % (port, db, log, work))
    if a.clamd:
        cmd = ['clamd', '-c', conf]
        done = ('Database correctly reloaded', 'reload failed', 'Database reload completed')
    else:
        cmd = shlex.split(a.bulwark) + ['daemon', '-c', conf]
        done = ('database reloaded', 'database unchanged', 'database reload failed')
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pid = proc.pid
        sampler = Sampler(pid)
        sampler.start()
        while True:
            if proc.poll() is not None:
                sys.exit('daemon exited with %d (see %s)' % (proc.returncode, log))
            try:
                if ask(port, b'zPING\0', timeout=5) == b'PONG\0':
                    break
            except OSError:
                time.sleep(0.1)
        time.sleep(SETTLE)
        label = a.label or ('clamd' if a.clamd else 'bulwark')
        kind = ('snapshot' if a.snapshot else 'text') + (' same' if a.same else ' changed')
        cur = rss(pid)
        first = cur[0]
        print('%-24s %-15s load: %.1f s, peak %d MB, after %d MB (anon %d, file %d)' % (
            label, kind, time.time() - t0, sampler.take_peak(), cur[0], cur[1], cur[2]), flush=True)
        for i in range(1, a.reloads + 1):
            if not a.same:
                gen += 1
                if a.snapshot:
                    tmp = db + '.tmp'
                    os.symlink(snaps[gen % 2], tmp)
                    os.replace(tmp, db)
                else:
                    write_extra(extra, gen)
            before = log_count(log, done)
            prober = Prober(port, infected, clean)
            r0 = time.time()
            reply = ask(port, b'zRELOAD\0')
            prober.start()
            while log_count(log, done) <= before:
                if proc.poll() is not None:
                    sys.exit('daemon exited during reload')
                if time.time() - r0 > 900:
                    sys.exit('reload not finished after 900 s (see %s)' % log)
                time.sleep(0.05)
            took = time.time() - r0
            prober.stop = True
            prober.join()
            time.sleep(SETTLE)
            cur = rss(pid)
            print('%-24s %-15s reload %d (%s): %.1f s, peak %d MB, after %d MB (anon %d, file %d) = %.2fx first;'
                  ' %d scans answered during it, %d wrong%s' % (
                      label, kind, i, reply.decode().strip('\0'), took, sampler.take_peak(), cur[0], cur[1], cur[2],
                      cur[0] / first, prober.ok, len(prober.wrong),
                      (' ' + repr(prober.wrong[:2])) if prober.wrong else ''), flush=True)
    finally:
        sampler.stop = True
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == '__main__':
    main()
