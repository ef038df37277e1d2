#!/usr/bin/env bash
# knead's own benchmark: generates sites of 1,000, 10,000 and 100,000 articles with the
# project's corpus generator (examples/gen_corpus.rs) and reports, for each size, the
# clean build time (median), the peak memory, the one-article incremental rebuild time
# (median, in-process: examples/rebuild.rs), pages per second and the largest HTML page
# written.
#
#   bash bench/run.sh                 # 1k, 10k and 100k
#   bash bench/run.sh 1000 10000      # chosen sizes
#
# BENCH_DIR (default /tmp/knead-bench) holds the corpora, reused between runs. Outputs are
# written under BENCH_OUT (default $BENCH_DIR/out; put it on a tmpfs for steady numbers:
# `mount -t tmpfs tmpfs /tmp/knead-bench/out` as root). RUNS (default 3) clean builds per
# size; 1 for 100,000 articles. Binaries come from CARGO_TARGET_DIR when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
dir=${BENCH_DIR:-/tmp/knead-bench}
out=${BENCH_OUT:-$dir/out}
runs=${RUNS:-3}
mkdir -p "$dir" "$out"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }

cargo build --release --quiet --bin knead --example gen_corpus --example rebuild
bin=${CARGO_TARGET_DIR:-target}/release
knead=$bin/knead

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| articles | clean build (median) | peak memory | pages/s | one-article rebuild (median) | largest page |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  site=$dir/site-$n
  [ -f "$site/site.yaml" ] || "$bin/examples/gen_corpus" --articles "$n" --out "$site" >/dev/null
  # Read the sources once untimed: the timings are of builds, not of the disk (a first
  # 100,000-article build right after the page cache was emptied took 14 s, not 9).
  find "$site/content" -type f -exec cat {} + >/dev/null
  r=$runs
  [ "$n" -ge 100000 ] && r=1
  times=() mems=() pages=0
  for _ in $(seq "$r"); do
    rm -rf "$out/build-$n"
    /usr/bin/time -o "$out/time-$n" -f "%e %M" "$knead" build --root "$site" --output "$out/build-$n" >"$out/log-$n" 2>&1
    line=$(tail -1 "$out/time-$n")
    times+=("${line% *}")
    mems+=("${line#* }")
  done
  pages=$(grep -o 'Built [0-9]*' "$out/log-$n" | grep -o '[0-9]*')
  largest=$(find "$out/build-$n" -name '*.html' -printf '%s\n' | sort -n | tail -1)
  t=$(printf '%s\n' "${times[@]}" | median)
  m=$(printf '%s\n' "${mems[@]}" | median)
  rm -rf "$out/rebuild-$n"
  inc=$("$bin/examples/rebuild" "$site" "$out/rebuild-$n" 9 | grep -o 'median one-article body rebuild: [0-9.]*' | grep -o '[0-9.]*$')
  pps=$(awk -v p="$pages" -v t="$t" 'BEGIN {printf "%d", p / t}')
  printf "| %s | %s s | %s MB | %s | %s ms | %s KB |\n" "$n" "$t" "$((m / 1024))" "$pps" "$inc" "$((largest / 1024))"
  rm -rf "$out/build-$n" "$out/rebuild-$n"
done
