#!/usr/bin/env bash
# Matching solver benchmark: `onramp match solve` against Google OR-Tools' min-cost flow on the
# generator's three families at default sizes, then each again with a small penalty (600), then two with
# very large capacities, checked and timed by the shared compare.py (solve time only, file reading
# excluded).
#
# usage: bash backend/benches/matching.sh
# env:   ONRAMP_BENCH_VENV  python venv with numpy and ortools (created with pip if missing;
#                           default ~/.cache/onramp-bench-venv)
#        SHARED             the shared folder (default: ../shared beside the repository)
#        RUNS               compare.py runs per instance; medians are reported (default 3)
#        SOLVER_CMD         solver command to time instead of building and timing
#                           target/release/onramp match solve
#
# Prints a markdown table; exits 1 if an answer is wrong or slower than half of OR-Tools' time.
set -euo pipefail

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$ROOT"
SHARED=${SHARED:-$ROOT/../shared}
BENCH=$SHARED/bench/matching
VENV=${ONRAMP_BENCH_VENV:-$HOME/.cache/onramp-bench-venv}
RUNS=${RUNS:-3}
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# (a) Python with numpy and OR-Tools, from PyPI.
if ! "$VENV/bin/python" -c 'import numpy, ortools' 2>/dev/null; then
    echo "== creating $VENV with numpy and ortools" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet numpy ortools
fi
PY=$VENV/bin/python

# GNU time for the peak memory of the solver process.
if [ ! -x /usr/bin/time ]; then
    echo "== installing GNU time" >&2
    sudo_ apt-get update -qq
    sudo_ apt-get install -y -qq time >/dev/null
fi

# (b) The release binary (not needed when another solver command is given).
if [ -z "${SOLVER_CMD:-}" ]; then
    echo "== cargo build --release -p onramp" >&2
    cargo build --release -p onramp >&2
    SOLVER_CMD="${CARGO_TARGET_DIR:-$ROOT/target}/release/onramp match solve"
fi
read -r -a SOLVER <<<"$SOLVER_CMD"

# (c) Instances at the generator's default sizes.
WORK=$(mktemp -d /tmp/onramp-matching-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "== generating instances in $WORK" >&2
"$PY" "$BENCH/gen.py" uniform "$WORK/uniform.txt"
"$PY" "$BENCH/gen.py" feature "$WORK/feature.txt"
"$PY" "$BENCH/gen.py" tasks "$WORK/tasks.txt"
# A small penalty makes leaving some newcomers out optimal (feature); on the other two it
# changes the objective but hardly the assignment, a check that penalties are handled exactly.
for family in feature uniform tasks; do
    "$PY" "$BENCH/gen.py" "$family" "$WORK/${family}_p600.txt" --penalty 600
done
# Very large capacities: 20 mentors of capacity 500 for the 10,000 newcomers, where a full mentor's
# evictions once scanned all its holders.
"$PY" "$BENCH/gen.py" feature "$WORK/feature_cap500.txt" --m 20 --cap 500
"$PY" "$BENCH/gen.py" uniform "$WORK/uniform_cap500.txt" --m 20 --cap 500 --deg 10

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# (d) compare.py on each, RUNS times; GNU time wraps the solver to record its peak RSS.
failed=0
rows=()
for name in uniform feature tasks feature_p600 uniform_p600 tasks_p600 feature_cap500 uniform_cap500; do
    label=${name/_p600/, penalty 600}
    label=${label/_cap500/, 20 mentors of capacity 500}
    ref_ms=() solver_ms=() rss_kb=() verdict=optimal
    for run in $(seq "$RUNS"); do
        echo "== $label, run $run/$RUNS" >&2
        out=$("$PY" "$BENCH/compare.py" "$WORK/$name.txt" -- \
            /usr/bin/time -v -o "$WORK/time.txt" "${SOLVER[@]}" 2>&1) || true
        echo "$out" >&2
        if ! grep -q '^ok: optimal' <<<"$out"; then
            verdict="WRONG: $(grep -m1 -E '^WRONG|Error|error' <<<"$out" || echo 'no answer')"
        fi
        ref_ms+=("$(sed -n 's/^reference:.*solve_ms \([0-9.]*\).*/\1/p' <<<"$out")")
        solver_ms+=("$(sed -n 's/^solver:.*solve_ms \([0-9.]*\).*/\1/p' <<<"$out")")
        rss_kb+=("$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")")
    done
    ref=$(printf '%s\n' "${ref_ms[@]}" | median)
    sol=$(printf '%s\n' "${solver_ms[@]}" | median)
    rss=$(printf '%s\n' "${rss_kb[@]}" | sort -g | tail -n 1)
    ratio=$(awk -v s="$sol" -v r="$ref" 'BEGIN {printf "%.3f", (r > 0) ? s / r : 0}')
    rss_mb=$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')
    if [ "$verdict" = optimal ]; then
        if awk -v x="$ratio" 'BEGIN {exit !(x <= 0.5)}' &&
            awk -v m="$rss_mb" 'BEGIN {exit !(m < 100)}'; then
            verdict="pass: optimal, <= 0.5x, < 100 MB"
        else
            verdict="FAIL: optimal but over 0.5x or 100 MB"
            failed=1
        fi
    else
        failed=1
    fi
    rows+=("| $label | $ref | $sol | $ratio | $verdict | $rss_mb |")
done

echo
echo "Median of $RUNS runs per instance; solve time only (reading the file excluded)."
echo
echo "| family | OR-Tools ms | onramp ms | ratio | verdict | max RSS MB |"
echo "| --- | ---: | ---: | ---: | --- | ---: |"
printf '%s\n' "${rows[@]}"
exit "$failed"
