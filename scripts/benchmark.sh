#!/usr/bin/env bash
# Conversion throughput and memory on large models, against a plain copy of the same bytes.
# usage: scripts/benchmark.sh [sizes in MB, default "50 500"]
# Models are made at benchmark time (never committed): tfjs 4.22 in Node builds a stack of
# Dense(2048) layers with random weights (src/test/node/make-benchmark-model.js); the same weights
# are then written as a Keras 2 HDF5 file with the jHDF writer (bench/KerasH5FromTfjs).
# Each conversion runs in a fresh JVM with -Xmx128m. convert_ms is the conversion inside the JVM
# (class loading included); "start-up" is what the same JVM takes for the small LeNet model, so
# ratio = (convert_ms - start-up) / copy_ms. wall_ms is the whole JVM, including the record kept
# for incremental builds (a content hash); noop_ms is the up-to-date check of a following build. Every time is the best of
# $RUNS runs (default 3), so a busy machine disturbs the figures less.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sizes=${*:-50 500}
work=target/benchmark
mkdir -p "$work"
[ -d src/test/node/node_modules ] || npm ci --prefix src/test/node --no-audit --no-fund
mvn -q -B test-compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt"
cp="target/test-classes:target/classes:$(cat "$work/classpath.txt")"
models=${TENSORSPACE_MODELS:-../shared/models}

runs=${RUNS:-3}
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
once() { # source, output -> "millis peakHeapMiB wallMillis noopMillis"
  rm -rf "$2"
  local t0 line
  t0=$(now)
  line=$(java -Xmx128m -cp "$cp" io.tensorspace.bench.ConversionRun "$1" "$2" 2>/dev/null | grep '^millis=')
  [ -n "$line" ] || return 1
  local wall; wall=$(ms "$t0" "$(now)")
  echo "$line" | sed -E "s/millis=([0-9]+) peakHeapMiB=([0-9]+) bytes=[0-9]+ noopMillis=([0-9]+)/\1 \2 $wall \3/"
}
run() { # the run with the shortest conversion of $runs
  for _ in $(seq "$runs"); do once "$1" "$2" || return 1; done | sort -n -k1 | head -1
}
copy() { # files -> best copy time in ms (page cache, like the conversion: neither syncs)
  for _ in $(seq "$runs"); do
    rm -rf "$work/copy"
    local t0; t0=$(now); cp -r "$1" "$work/copy"; ms "$t0" "$(now)"
  done | sort -n | head -1
}

read -r startup _ _ _ < <(run "$models/keras2-h5/tensorspace-keras-mnist/mnist.h5" "$work/out-startup")
printf '%-26s %10s %8s %10s %10s %6s %8s %13s %8s\n' model bytes copy_ms convert_ms startup_ms ratio wall_ms peak_heap_MiB noop_ms
for size in $sizes; do
  tfjs="$work/tfjs-${size}mb"
  h5="$work/keras-${size}mb.h5"
  [ -f "$tfjs/model.json" ] || node src/test/node/make-benchmark-model.js "$size" "$tfjs" >/dev/null 2>&1
  [ -f "$h5" ] || java -Xmx4g -cp "$cp" io.tensorspace.bench.KerasH5FromTfjs "$tfjs" "$h5" 2>/dev/null
  for source in "$h5" "$tfjs/model.json"; do
    files=$source
    [ "${source##*.}" = json ] && files=$tfjs
    bytes=$(du -sb "$files" | cut -f1)
    cat "$files" >/dev/null 2>&1 || cat "$files"/* >/dev/null   # same warm page cache for both
    copy=$(copy "$files")
    read -r millis heap wall noop < <(run "$source" "$work/out") || { echo "$source: conversion failed"; continue; }
    ratio=$(awk -v m="$millis" -v s="$startup" -v c="$copy" 'BEGIN { printf "%.2f", (m - s) / (c > 0 ? c : 1) }')
    printf '%-26s %10s %8s %10s %10s %6s %8s %13s %8s\n' "$(basename "$(dirname "$source")")/$(basename "$source")" \
      "$bytes" "$copy" "$millis" "$startup" "$ratio" "$wall" "$heap" "$noop"
  done
done
