#!/usr/bin/env bash
# service.sh [BUILD_DIR] - bounded load test of POST /v1/assess with wrk on loopback:
# 10 s, 2 threads, 16 connections, against the optimised build on a random free port.
# Prints wrk's latency distribution and one summary line; exits non-zero on any error.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)"; exit 2; }
tmp=$(mktemp -d)
"$B/gluteal" serve --port 0 --db "$tmp/bench.db" --threads "${THREADS:-2}" 2>"$tmp/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -q 'serving on' "$tmp/log" && break; sleep 0.05; done
port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/log" | cut -d: -f2)
[ -n "$port" ] || { cat "$tmp/log"; exit 1; }
echo "gluteal $("$B/gluteal" version | head -1); $(nproc) cores; wrk -t2 -c16 -d${DURATION:-10}s POST /v1/assess"
wrk -t2 -c16 -d"${DURATION:-10}s" --timeout 5s --latency -s bench/wrk-assess.lua "http://127.0.0.1:$port/v1/assess" | tee "$tmp/out"
grep -q 'non-2xx 0  socket errors 0' "$tmp/out"
