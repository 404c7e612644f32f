#!/usr/bin/env python3
"""Runs ClamAV's differential conformance suite (../shared/conformance/clamav/clamcompat.py) against
`bin/bulwark scan` and fails only on regressions: every failing case must be listed, with a reason,
in clamcompat-known-failures.txt. Cases listed there that now pass are reported so the list shrinks."""
import json, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
suite = os.environ.get('CLAMCOMPAT', os.path.join(repo, '..', 'shared', 'conformance', 'clamav', 'clamcompat.py'))
if not os.path.exists(suite):
    print('clamcompat suite not found at %s' % suite, file=sys.stderr)
    sys.exit(2)
known = {}
with open(os.path.join(here, 'clamcompat-known-failures.txt')) as f:
    for line in f:
        line = line.rstrip('\n')
        if line and not line.startswith('#'):
            case, _, reason = line.partition('\t')
            known[case] = reason
out = tempfile.mktemp(suffix='.json')
p = subprocess.run([sys.executable, suite, '--candidate', os.path.join(repo, 'bin', 'bulwark') + ' scan', '--json', out],
                   capture_output=True, text=True)
print(p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr)
report = json.load(open(out))
os.unlink(out)
regress = [r for r in report if not r['ok'] and r['case'] not in known]
fixed = [r['case'] for r in report if r['ok'] and r['case'] in known]
for r in regress:
    print('REGRESSION %s\n    reference %s\n    candidate %s' % (r['case'], r['reference'], r['candidate']))
for c in fixed:
    print('now passing (remove from known failures): %s' % c)
print('%d cases, %d passed, %d known failures, %d regressions' %
      (len(report), sum(r['ok'] for r in report), sum(1 for r in report if not r['ok'] and r['case'] in known), len(regress)))
sys.exit(1 if regress else 0)
