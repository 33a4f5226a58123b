#!/usr/bin/env bash
# Several models in one execution: what converting them one after the other and at once adds to a
# Maven build, and what an unchanged build adds (issue 14).
# usage: scripts/benchmark-parallel.sh     (RUNS=5 rounds; THREADS= the parallel run's setting,
#                                           default none: the plugin's default, the core count;
#                                           NOOP_RUNS=2*RUNS more skip/no-op pairs)
#
# One consumer POM converts four models in generate-resources: InceptionV3, ResNet50 and MobileNet
# as TensorFlow.js layers models (make-deep-models.js: corpus golden/*-topology-only, weights
# initialised by tfjs 4.22, float32) and LeNet as the corpus Keras HDF5 file. The plugin is
# installed into a local repository of its own (target/benchmark-parallel/repo, the rest read from
# ~/.m2). Each round runs, each in a fresh Maven JVM (./mvnw -o):
#   skip        -Dtensorspace.skip                              (Maven with the plugin doing nothing)
#   sequential  -Dtensorspace.force -Dtensorspace.threads=1     (converts one model after the other)
#   parallel    -Dtensorspace.force [-Dtensorspace.threads=$THREADS]
#   noop        nothing changed since the last conversion
# Figures are medians over the rounds of the differences to the same round's skip (paired, so load
# that hits one round hits both): *_added = build - skip. speedup = sequential_added /
# parallel_added. cpu is the Maven JVM's user + system CPU time (/usr/bin/time %U + %S), which
# other processes on a busy machine disturb less than the wall time. RSS is the Maven JVM's peak
# (/usr/bin/time %M). goal is the same difference of the time from Maven's "--- tensorspace:..."
# log line to BUILD SUCCESS, which leaves out Maven's start, whose length varies by +-150 ms between
# fresh JVMs. The no-op figures come from NOOP_RUNS further skip/no-op pairs as well. noop
# per model is the time each model's up-to-date check logs. load is the 1-minute load average
# before and after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
runs=${RUNS:-5}
work=$root/target/benchmark-parallel
models=${TENSORSPACE_MODELS:-$root/../shared/models}
repo=(-Dmaven.repo.local="$work/repo" -Dmaven.repo.local.tail="$HOME/.m2/repository")
mkdir -p "$work"
log=$work/log.txt
: > "$log"

[ -d src/test/node/node_modules ] || npm ci --prefix src/test/node --no-audit --no-fund >>"$log"
echo "building the plugin (./mvnw -o install -DskipTests)" >&2
./mvnw -o -q -B install -DskipTests -Dinvoker.skip=true -DskipMavenCompat "${repo[@]}" >>"$log"
version=$(sed -n '0,/<version>/s|.*<version>\(.*\)</version>.*|\1|p' pom.xml)

in=$work/models
[ -f "$in/mobilenet/model.json" ] || node src/test/node/make-deep-models.js "$models" "$in" >>"$log"
lenet=$models/keras2-h5/tensorspace-keras-mnist/mnist.h5

dir=$work/project
mkdir -p "$dir"
cat > "$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>parallel</artifactId><version>1</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>io.tensorspace</groupId><artifactId>tensorspace-maven-plugin</artifactId>
    <version>$version</version>
    <executions><execution><goals><goal>preprocess</goal></goals><configuration>
      <outputDirectory>\${project.build.directory}/models</outputDirectory>
      <models>
        <model><name>inceptionv3</name><source>$in/inceptionv3/model.json</source></model>
        <model><name>resnet50</name><source>$in/resnet50/model.json</source></model>
        <model><name>mobilenet</name><source>$in/mobilenet/model.json</source></model>
        <model><name>lenet</name><source>$lenet</source></model>
      </models>
    </configuration></execution></executions>
  </plugin></plugins></build>
</project>
EOF
cat "$in"/*/* "$lenet" >/dev/null # the same warm page cache for every round

now() { date +%s%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Maven's log lines with a time of day, to time the build from the goal's start to its end
stamped=(-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS)

ms_of_day() { # "HH:MM:SS.mmm" -> milliseconds
  awk -F'[:.]' '{ print ((($1 * 60) + $2) * 60 + $3) * 1000 + $4 }' <<< "$1"
}

mvn_once() { # flags... -> "wall_ms rss_KiB cpu_ms goal_ms"; the build's output goes to $work/last.txt
  # goal_ms: from Maven's "--- tensorspace:...:preprocess" line to BUILD SUCCESS, leaving out
  # Maven's start (the same in every build, and most of the noise between fresh JVMs)
  local t0 t1 out goal_start goal_end
  t0=$(now)
  out=$(cd "$dir" && /usr/bin/time -f 'PEAK_RSS %M CPU %U %S' "$root/mvnw" -o -B -Dstyle.color=never \
    "${stamped[@]}" "${repo[@]}" generate-resources "$@" 2>&1) || { echo "$out" >>"$log"; echo "maven failed" >&2; return 1; }
  t1=$(now)
  echo "$out" >>"$log"
  echo "$out" > "$work/last.txt"
  goal_start=$(ms_of_day "$(echo "$out" | grep -- '--- tensorspace:' | head -1 | cut -d' ' -f1)")
  goal_end=$(ms_of_day "$(echo "$out" | grep 'BUILD SUCCESS' | head -1 | cut -d' ' -f1)")
  echo "$(( (t1 - t0) / 1000000 )) $(echo "$out" | grep -o 'PEAK_RSS [0-9]*' | cut -d' ' -f2)" \
    "$(echo "$out" | grep -o 'CPU [0-9.]* [0-9.]*' | awk '{ printf "%d", ($2 + $3) * 1000 }')" \
    "$(( goal_end - goal_start ))"
}

parallel_flags=(-Dtensorspace.force)
[ -z "${THREADS:-}" ] || parallel_flags+=(-Dtensorspace.threads="$THREADS")
rows=$work/rows.txt noops=$work/noops.txt pairs=$work/pairs.txt
: > "$rows"
: > "$noops"
: > "$pairs"
noop_once() { # -> "wall_ms rss_KiB cpu_ms" of a no-op build, each model's logged check noted
  local noop
  noop=$(mvn_once)
  grep -q "is up to date" "$work/last.txt" || { echo "the no-op build converted" >&2; return 1; }
  grep -o -E "model '[^']*' is up to date \([0-9]+ ms\)" "$work/last.txt" \
    | sed -E "s/model '([^']*)' is up to date \(([0-9]+) ms\)/\1 \2/" >> "$noops"
  echo "$noop"
}
mvn_once -Dtensorspace.force >/dev/null # converted once, so the first no-op finds a record
load_before=$(load)
for round in $(seq "$runs"); do
  skip=$(mvn_once -Dtensorspace.skip)
  sequential=$(mvn_once -Dtensorspace.force -Dtensorspace.threads=1)
  parallel=$(mvn_once "${parallel_flags[@]}")
  noop=$(noop_once)
  # skip: wall rss cpu goal, sequential: wall rss cpu goal, parallel: wall rss cpu goal,
  # noop: wall rss cpu goal
  echo "$skip $sequential $parallel $noop" >> "$rows"
  echo "$skip $noop" >> "$pairs"
  echo "  round $round: $(tail -1 "$rows")" >&2
done
for round in $(seq "${NOOP_RUNS:-$((2 * runs))}"); do
  echo "$(mvn_once -Dtensorspace.skip) $(noop_once)" >> "$pairs"
  echo "  no-op pair $round: $(tail -1 "$pairs")" >&2
done
load_after=$(load)

col() { # file, column[, minus column] -> median
  awk -v c="$2" -v s="${3:-0}" '{ print $c - (s ? $s : 0) }' "$1" | median
}
sequential_added=$(col "$rows" 5 1)
parallel_added=$(col "$rows" 9 1)
printf '%-36s %s\n' "machine" "$(nproc) cores; load average $load_before before, $load_after after"
printf '%-36s %s\n' "models" "inceptionv3, resnet50, mobilenet (tfjs layers, float32), lenet (Keras HDF5)"
printf '%-36s %s\n' "rounds" "$runs, and $(wc -l < "$pairs") skip/no-op pairs (medians of paired differences)"
printf '%-36s %s ms (cpu %s ms)\n' "skip build" "$(col "$rows" 1)" "$(col "$rows" 3)"
printf '%-36s %s ms (cpu %s ms; goal %s ms)\n' "sequential_added (threads=1)" "$sequential_added" \
  "$(col "$rows" 7 3)" "$(col "$rows" 8 4)"
printf '%-36s %s ms (cpu %s ms; goal %s ms)\n' \
  "parallel_added (threads=${THREADS:-$(nproc), the default})" "$parallel_added" \
  "$(col "$rows" 11 3)" "$(col "$rows" 12 4)"
printf '%-36s %s (goal %s)\n' "speedup" \
  "$(awk -v a="$sequential_added" -v b="$parallel_added" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')" \
  "$(awk -v a="$(col "$rows" 8 4)" -v b="$(col "$rows" 12 4)" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')"
printf '%-36s %s ms (cpu %s ms; goal %s ms; target <= 50 for the POM)\n' "noop_added (4 models)" \
  "$(col "$pairs" 5 1)" "$(col "$pairs" 7 3)" "$(col "$pairs" 8 4)"
printf '%-36s %s / %s / %s / %s MiB\n' "peak RSS skip/seq/par/noop" \
  $(( $(col "$rows" 2) / 1024 )) $(( $(col "$rows" 6) / 1024 )) $(( $(col "$rows" 10) / 1024 )) \
  $(( $(col "$rows" 14) / 1024 ))
for model in inceptionv3 resnet50 mobilenet lenet; do
  printf '%-36s %s ms\n' "noop check logged: $model" \
    "$(awk -v m="$model" '$1 == m { print $2 }' "$noops" | median)"
done
