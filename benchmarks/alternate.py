#!/usr/bin/env python3
"""Runs shell commands alternately (each once per round) and prints the median wall, CPU and peak RSS.

Usage: benchmarks/alternate.py ROUNDS 'name=command' ['name=command' ...]
CPU is user+sys of the whole command (children included) from /usr/bin/time; standard output is
discarded. Used for the start-up tables in docs/benchmarks/startup.md.
"""
import statistics
import subprocess
import sys


def run(cmd):
    p = subprocess.run(['/usr/bin/time', '-f', '@@ %e %U %S %M', 'sh', '-c', cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = [l for l in p.stderr.splitlines() if l.startswith('@@ ')][-1].split()
    return float(line[1]), float(line[2]) + float(line[3]), int(line[4])


def main():
    rounds = int(sys.argv[1])
    variants = [a.split('=', 1) for a in sys.argv[2:]]
    res = {name: [] for name, _ in variants}
    for _ in range(rounds):
        for name, cmd in variants:
            res[name].append(run(cmd))
    for name, _ in variants:
        v = res[name]
        print('%-40s wall %.3f s  cpu %.3f s  (min cpu %.3f)  rss %d MB  n=%d' % (
            name, statistics.median(x[0] for x in v), statistics.median(x[1] for x in v),
            min(x[1] for x in v), statistics.median(x[2] for x in v) // 1024, len(v)))


if __name__ == '__main__':
    main()
