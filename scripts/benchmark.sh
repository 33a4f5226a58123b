#!/usr/bin/env bash
# Conversion throughput and memory on large models, against a plain copy of the same bytes.
# usage: scripts/benchmark.sh [sizes in MB, default "50 500"]
# Models are made at benchmark time (never committed): tfjs 4.22 in Node builds a stack of
# Dense(2048) layers with random weights (src/test/node/make-benchmark-model.js); the same weights
# are then written as a Keras 2 HDF5 file with the jHDF writer (bench/KerasH5FromTfjs).
# Each conversion runs in a fresh JVM with -Xmx128m (bench/ConversionRun): it first converts two
# small corpus models (LeNet as Keras HDF5 and as tfjs) -- startup_ms, the fixed cost of loading
# and first using the converter -- then the benchmark model as the preprocess goal does:
# convert_ms, the conversion (which checksums the regions it copies), then record_ms, the
# incremental record (checksumming the bytes it did not copy). total_ms = convert_ms + record_ms.
# ratio = total_ms / copy_ms. The target "conversion <= 1.5 x copy + a fixed start-up" is checked
# per format by the marginal ratio between the smallest and largest size,
# (total_big - total_small) / (copy_big - copy_small), in which every fixed cost cancels.
# noop_ms is the up-to-date check of a following build (same JVM). Every figure is from the run
# with the shortest total of $RUNS runs (default 3), so a busy machine disturbs them less.
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
warmup="$models/keras2-h5/tensorspace-keras-mnist/mnist.h5 $models/tfjs-layers/tensorspace-tfjs-lenet-raw/mnist.json"
once() { # source, output -> "millis startupMillis recordMillis peakHeapMiB noopMillis"
  rm -rf "$2" "$2".state "$2"-warm-up-*
  local line
  # shellcheck disable=SC2086
  line=$(java -Xmx128m -cp "$cp" io.tensorspace.bench.ConversionRun "$1" "$2" $warmup 2>/dev/null \
    | grep '^startupMillis=')
  [ -n "$line" ] || return 1
  echo "$line" | sed -E 's/startupMillis=([0-9]+) millis=([0-9]+) recordMillis=([0-9]+) peakHeapMiB=([0-9]+) bytes=[0-9]+ noopMillis=([0-9]+)/\2 \1 \3 \4 \5/'
}
run() { # the run with the shortest conversion + record of $runs
  for _ in $(seq "$runs"); do once "$1" "$2" || return 1; done \
    | awk '{ print $1 + $3, $0 }' | sort -n -k1 | head -1 | cut -d' ' -f2-
}
copy() { # files -> best copy time in ms (page cache, like the conversion: neither syncs)
  for _ in $(seq "$runs"); do
    rm -rf "$work/copy"
    local t0; t0=$(now); cp -r "$1" "$work/copy"; ms "$t0" "$(now)"
  done | sort -n | head -1
}

printf '%-26s %10s %8s %10s %9s %8s %6s %10s %13s %8s\n' model bytes copy_ms convert_ms record_ms total_ms ratio startup_ms peak_heap_MiB noop_ms
declare -A first_copy first_convert last_copy last_convert
for size in $sizes; do
  tfjs="$work/tfjs-${size}mb"
  h5="$work/keras-${size}mb.h5"
  [ -f "$tfjs/model.json" ] || node src/test/node/make-benchmark-model.js "$size" "$tfjs" >/dev/null 2>&1
  [ -f "$h5" ] || java -Xmx4g -cp "$cp" io.tensorspace.bench.KerasH5FromTfjs "$tfjs" "$h5" 2>/dev/null
  for source in "$h5" "$tfjs/model.json"; do
    files=$source
    format=keras
    [ "${source##*.}" = json ] && { files=$tfjs; format=tfjs; }
    bytes=$(du -sb "$files" | cut -f1)
    cat "$files" >/dev/null 2>&1 || cat "$files"/* >/dev/null   # same warm page cache for both
    copy=$(copy "$files")
    read -r millis startup record heap noop < <(run "$source" "$work/out") \
      || { echo "$source: conversion failed"; continue; }
    total=$((millis + record))
    ratio=$(awk -v m="$total" -v c="$copy" 'BEGIN { printf "%.2f", m / (c > 0 ? c : 1) }')
    printf '%-26s %10s %8s %10s %9s %8s %6s %10s %13s %8s\n' "$(basename "$(dirname "$source")")/$(basename "$source")" \
      "$bytes" "$copy" "$millis" "$record" "$total" "$ratio" "$startup" "$heap" "$noop"
    [ -n "${first_copy[$format]:-}" ] || { first_copy[$format]=$copy; first_convert[$format]=$total; }
    last_copy[$format]=$copy
    last_convert[$format]=$total
  done
done
for format in keras tfjs; do
  [ -n "${first_copy[$format]:-}" ] && [ "${last_copy[$format]}" != "${first_copy[$format]}" ] || continue
  awk -v f="$format" -v a="${first_convert[$format]}" -v b="${last_convert[$format]}" \
      -v c="${first_copy[$format]}" -v d="${last_copy[$format]}" \
    'BEGIN { printf "%s: marginal ratio (total %d -> %d ms, copy %d -> %d ms) = %.2f\n", f, a, b, c, d, (b - a) / (d - c) }'
done
