#!/usr/bin/env bash
# scale_kb.sh BUILD_DIR - how assess and next-question cost grow with the size of
# the knowledge base: synthetic copies with every condition replicated x1, x4
# and x16 (each replica keeps its profile, so every case links to every
# replica: the worst case for enumeration) and the findings replicated likewise
# (extra, unused IDs). Prints the bench figures per size. See bench/README.md.
set -eu
B=${1:-build}
out=$B/scale
mkdir -p "$out"
for x in 1 4 16; do
  d=$out/kb_x$x
  rm -rf "$d"; cp -r kb "$d"
  python3 - "$d" "$x" <<'PY'
import os, sys
d, x = sys.argv[1], int(sys.argv[2])
def rows(path):
    lines = open(path).read().split('\n')
    head = [l for l in lines if l and not l.startswith('#')][0]
    body = [l for l in lines if l and not l.startswith('#') and l != head]
    return head, body
if x > 1:
    for name in ['conditions.tsv', 'priors.tsv']:
        head, body = rows(f'{d}/{name}')
        out = [head]
        for k in range(x):
            for l in body:
                f = l.split('\t')
                if k:
                    f[0] += f'__r{k}'
                    if name == 'conditions.tsv' and f[2]:
                        f[2] += f'__r{k}'
                    if name == 'priors.tsv':  # keep the total prior mass of the copies constant
                        f[1:6] = ['%.6g' % (float(v) / x) for v in f[1:6]]
                elif name == 'priors.tsv':
                    f[1:6] = ['%.6g' % (float(v) / x) for v in f[1:6]]
                out.append('\t'.join(f))
        open(f'{d}/{name}', 'w').write('\n'.join(out) + '\n')
    for p in os.listdir(f'{d}/profiles'):
        for k in range(1, x):
            open(f'{d}/profiles/{p[:-4]}__r{k}.tsv', 'w').write(open(f'{d}/profiles/{p}').read())
    head, body = rows(f'{d}/findings.tsv')
    out = [head] + body
    for k in range(1, x):
        for l in body:
            f = l.split('\t'); f[0] += f'__r{k}'; f[7] = 'synthetic copy for the scaling benchmark'
            out.append('\t'.join(f))
    open(f'{d}/findings.tsv', 'w').write('\n'.join(out) + '\n')
PY
  echo "== knowledge base x$x"
  limit=26; [ "$x" -ge 16 ] && limit=2; [ "$x" -eq 4 ] && limit=8
  "$B/bench" --kb "$d" --quick --limit "$limit" tests/vignettes | grep -v '^batch'
done
