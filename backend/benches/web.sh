#!/usr/bin/env bash
# Page throughput beside the yardstick (shared/bench/web): the public catalog and a signed-in newcomer's
# dashboard, each measured with the shared web_ratio.sh (wrk, 2 threads, 32 connections, 3 rounds, medians).
# Targets: catalog >= 0.30, dashboard >= 0.20 of the baseline fortunes page.
# usage: bash backend/benches/web.sh        (needs wrk: apt-get install wrk)
set -euo pipefail
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
shared=${SHARED:-$root/../shared}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }
cd "$root"
cargo build -q --release -p onramp
port=${ONRAMP_BENCH_PORT:-3911}
dir=$(mktemp -d)
RUST_LOG=warn target/release/onramp --bind "127.0.0.1:$port" --database-url "sqlite://$dir/onramp.db" \
  --catalog-dir "$root/seed-data" >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"
# Sign in as the first demo newcomer, the way a browser does.
login=$(grep -m1 -B8 'roles = \["newcomer"\]' seed-data/people.toml | sed -n 's/^login = "\(.*\)"/\1/p' | head -n1)
cookie=$(curl -s -o /dev/null -D - -H "Origin: $base" --data "login=$login" "$base/signin/demo" \
  | sed -n 's/^set-cookie: \(onramp_session=[^;]*\).*/\1/ip')
[ -n "$cookie" ] || { echo "demo sign-in failed"; exit 1; }
echo "machine: $(nproc) cores, $(date -u +%Y-%m-%d); signed in as $login"
echo -n "catalog   (/catalog):   "; bash "$shared/bench/web/web_ratio.sh" "$base/catalog"
echo -n "dashboard (/dashboard): "; bash "$shared/bench/web/web_ratio.sh" "$base/dashboard" "$cookie"
