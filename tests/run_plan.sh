#!/usr/bin/env bash
# run_plan.sh BUILD_DIR - `gluteal plan` and `gluteal handout` from the command line: both seed
# cases plan with a source on every line, every case file gets a complete handout for every
# condition (no blank, no external resource, every dose filled), usage errors exit 2.
# Prints "N passed, N failed" last; exits non-zero on any failure. Runs from the repository root.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
G="$B/gluteal"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
clean() { ! grep -qE 'Sanitizer|runtime error' "$1"; }

# 1. plans: text and JSON for every example and accepted case; every line sourced
for f in examples/*.json tests/cases/accept/*.json; do
  "$G" plan "$f" >"$tmp/plan.txt" 2>"$tmp/err" && clean "$tmp/err" && grep -q '^WORK-UP' "$tmp/plan.txt" &&
    grep -q '^TREATMENT LADDER' "$tmp/plan.txt" && ok || bad "plan $f: $(head -c 300 "$tmp/err")"
  if "$G" plan --json "$f" >"$tmp/plan.json" 2>"$tmp/err" && clean "$tmp/err" &&
     python3 - "$tmp/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
assert p["format"] == "gluteal-plan/1" and p["disclaimer"]
tiers = ["urgent", "first", "next", "if_persisting", "avoid"]
order = [tiers.index(w["tier"]) for w in p["workup"]]
assert order == sorted(order), "must-not-miss work-up first"
for w in p["workup"]:
    assert w["source"] and w["changes_plan"] and w["cost"] and w["radiation"], w
    assert w["reasons"] and all(r["source"] and r["why"] for r in w["reasons"]), w
for t in p["treatment"]:
    for s in t["steps"]:
        assert s["source"] and s["evidence"] and s["outcome"], s
h = p["home_programme"]
assert h["source"] and (h["policy"] != "home") == (len(h["exercises"]) == 0), h
for x in h["exercises"]:
    assert x["hold_seconds"] >= 0 and x["reps"] >= 1 and x["per_day"] >= 1 and x["source"], x
    assert x["defaults"] in ("measured", "estimate"), x
PY
  then ok; else bad "plan --json $f"; fi
done

# 2. the seed cases: lumbar MRI with its reason; prolotherapy with sessions and evidence level
"$G" plan --json examples/upmc-golfer.json | python3 -c '
import json, sys
p = json.load(sys.stdin)
m = [w for w in p["workup"] if w["test_id"] == "mri_lumbar"][0]
assert m["status"] == "order" and any(r["triggered_by"] for r in m["reasons"])' && ok || bad "UPMC lumbar MRI"
"$G" plan examples/upmc-golfer.json | grep -q 'Neurological deficit on examination' && ok || bad "UPMC MRI reason in text"
"$G" plan examples/cureus-piriformis.json | grep -A3 'dextrose prolotherapy' | grep -q 'Six sessions at two-week' &&
  "$G" plan examples/cureus-piriformis.json | grep -A6 'dextrose prolotherapy' | grep -q 'evidence: case report' &&
  ok || bad "Cureus prolotherapy with sessions and evidence level"

# 3. handouts: every condition, for every example case
for f in examples/*.json; do
  for c in $(tail -n +2 tests/spec/conditions.tsv | cut -f1); do
    out="$tmp/h.html"
    if "$G" handout "$f" --condition "$c" -o "$out" 2>"$tmp/err" && clean "$tmp/err" &&
       ! grep -qE '__|\(null\)|<li></li>|https?://|<script|<link|<img' "$out" &&
       grep -q 'not a diagnosis' "$out" && grep -q 'Get help straight away' "$out" &&
       python3 - "$out" <<'PY'
import re, sys
h = open(sys.argv[1]).read()
for ex in h.split('class="ex"')[1:]:
    for label in ("Hold", "Repeat", "How often"):
        m = re.search(r"<b>%s</b>([^<]*)<" % label, ex)
        assert m and m.group(1).strip() and re.search(r"\w", m.group(1)), label
PY
    then ok; else bad "handout $f $c: $(head -c 300 "$tmp/err")"; fi
  done
  "$G" handout "$f" -o "$tmp/lead.html" && grep -q '<h1>' "$tmp/lead.html" && ok || bad "leading-condition handout $f"
done

# 4. usage errors
"$G" handout examples/upmc-golfer.json >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "handout without -o exits 2"
"$G" handout examples/upmc-golfer.json --condition nope -o "$tmp/x.html" >/dev/null 2>&1; [ $? -eq 2 ] && ok ||
  bad "handout with unknown condition exits 2"
"$G" plan >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "plan without a case exits 2"
"$G" plan --frob examples/upmc-golfer.json >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "plan unknown option exits 2"
"$G" handout examples/upmc-golfer.json -o /nonexistent/dir/h.html >/dev/null 2>&1; [ $? -eq 2 ] && ok ||
  bad "unwritable handout path exits 2"

echo "plan tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
