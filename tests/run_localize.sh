#!/usr/bin/env bash
# run_localize.sh BUILD_DIR - end-to-end checks of `gluteal localize` and of the
# localisation section of `gluteal assess` (tests/cases/localize/*.json and the
# seed case). Prints "N passed, N failed" last; exits non-zero on failure.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
G="$B/gluteal"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
clean() { ! grep -qE 'Sanitizer|runtime error' "$1"; }

# every case: text and JSON exit 0, JSON well formed, shares a distribution, assess carries the section
for f in tests/cases/localize/*.json examples/upmc-golfer.json; do
  "$G" localize "$f" >"$tmp/out" 2>"$tmp/err" && clean "$tmp/err" && grep -q 'NEUROLOGICAL LOCALISATION' "$tmp/out" \
    && ok || bad "localize text $f: $(head -c 300 "$tmp/err")"
  "$G" localize --json "$f" >"$tmp/out.json" 2>"$tmp/err" && clean "$tmp/err" && python3 - "$tmp/out.json" <<'PY' && ok || bad "localize json $f"
import json, sys
o = json.load(open(sys.argv[1]))
shares = [s["share"] for s in o["sites"]]
assert all(0 <= x <= 1 for x in shares) and shares == sorted(shares, reverse=True)
assert o["findings_present"] == 0 or abs(sum(shares) + o["no_focal_lesion_share"] - 1) < 0.01
PY
  "$G" assess --json "$f" >"$tmp/a.json" 2>"$tmp/err" && clean "$tmp/err" && python3 -c '
import json, sys; r = json.load(open(sys.argv[1])); assert "localization" in r and len(r["differential"]) == 33' "$tmp/a.json" \
    && ok || bad "assess json has localization: $f"
done

# the seed case: L5 first, and the report says why the common fibular nerve is less likely
"$G" localize examples/upmc-golfer.json >"$tmp/seed" 2>&1
grep -q '^  1  L5 root' "$tmp/seed" && ok || bad "seed case localises to L5 first"
grep -q 'common fibular nerve (fibular head): ex_weakness_hip_abduction present' "$tmp/seed" && ok || bad "seed case explains why not common fibular"
"$G" assess examples/upmc-golfer.json | grep -q 'Supports: lumbosacral_radiculopathy' && ok || bad "assess reports what the localisation supports"

# standard input, usage errors, a missing file
"$G" localize - <examples/upmc-golfer.json | grep -q 'L5 root' && ok || bad "localize from standard input"
"$G" localize >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "localize without a case exits 2"
"$G" localize --frobnicate x.json >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown option exits 2"
"$G" localize tests/cases/does-not-exist.json >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] && grep -q 'cannot open' "$tmp/err" && ok || bad "missing file exits 2"

echo "localize: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
