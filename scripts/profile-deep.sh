#!/usr/bin/env bash
# Where the plugin's time goes on one case of scripts/benchmark-deep.sh (run that first: it builds
# the plugin, the models and the consumer projects). Converts the case N times (default 5) in fresh
# Maven JVMs with a profiler in the Maven JVM, then prints where the time went.
# usage: scripts/profile-deep.sh <case> [N] [top entries, default 25]
#   PROFILER=wall (default): async-profiler (tools.profiler:async-profiler from Maven Central),
#     wall-clock samples of the thread running the goal every millisecond, including the time it
#     spends in the JVM loading classes and bootstrapping lambdas, which JFR's samples do not see
#     (bench/WallProfile). Linux x64 only.
#   PROFILER=cpu: async-profiler's CPU samples of every thread, N skipped builds then N converting
#     ones: what converting adds to the CPU of the plugin's threads, the JIT compilers and the GC,
#     and on what the plugin's threads spend it (bench/CpuProfile). Linux x64 only.
#   PROFILER=jfr: Java Flight Recorder's execution samples inside the plugin, by self and total
#     samples (bench/JfrTop).
#   REPO=<local repository holding the plugin> (default: the benchmark's), to profile another build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
work=$root/target/benchmark-deep
dir=$work/projects/$1
[ -f "$dir/pom.xml" ] || { echo "no $dir/pom.xml: run scripts/benchmark-deep.sh $1 first" >&2; exit 1; }
profiler=${PROFILER:-wall}
out=$dir/profile-$profiler
rm -rf "$out" && mkdir -p "$out"

agent_option() { # run name -> the MAVEN_OPTS that record it
  if [ "$profiler" = jfr ]; then
    echo "-XX:StartFlightRecording=filename=$out/$1.jfr,settings=$work/sampling.jfc"
  elif [ "$profiler" = cpu ]; then
    echo "-agentpath:$work/async-profiler/linux-x64/libasyncProfiler.so=start,event=cpu,interval=1ms,threads,cstack=vm,file=$out/$1.txt,collapsed"
  else
    echo "-agentpath:$work/async-profiler/linux-x64/libasyncProfiler.so=start,event=wall,interval=1ms,cstack=vm,file=$out/$1.txt,collapsed"
  fi
}

if [ "$profiler" = jfr ]; then
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed 's|<setting name="period" control="method-sampling-java-interval">10 ms</setting>|<setting name="period" control="method-sampling-java-interval">1 ms</setting>|' \
    "$java_home/lib/jfr/profile.jfc" > "$work/sampling.jfc"
elif [ ! -f "$work/async-profiler/linux-x64/libasyncProfiler.so" ]; then
  ./mvnw -q -B dependency:copy -Dartifact=tools.profiler:async-profiler:4.0:jar:linux-x64 \
    -DoutputDirectory="$work/async-profiler" >/dev/null
  (cd "$work/async-profiler" && unzip -q -o async-profiler-4.0-linux-x64.jar 'linux-x64/*')
fi

build() { # run name, goal flag -> one build of the case, recorded
  (cd "$dir" && MAVEN_OPTS="$(agent_option "$1")" "$root/mvnw" -o -B -q \
    -Dmaven.repo.local="${REPO:-$work/repo}" -Dmaven.repo.local.tail="$HOME/.m2/repository" \
    generate-resources "$2" >/dev/null 2>&1)
}

runs=${2:-5}
if [ "$profiler" = cpu ]; then
  for i in $(seq "$runs"); do build "skip-$i" -Dtensorspace.skip; done
fi
for i in $(seq "$runs"); do build "$i" -Dtensorspace.force; done
if [ "$profiler" = jfr ]; then
  java -cp "target/test-classes:target/classes" io.tensorspace.bench.JfrTop "${3:-25}" "$out"/[0-9]*.jfr
elif [ "$profiler" = cpu ]; then
  skips=() converts=()
  for i in $(seq "$runs"); do skips+=("$out/skip-$i.txt"); converts+=("$out/$i.txt"); done
  java -cp "target/test-classes" io.tensorspace.bench.CpuProfile "${3:-25}" "$runs" "${skips[@]}" "${converts[@]}"
else
  java -cp "target/test-classes" io.tensorspace.bench.WallProfile "${3:-25}" "$out"/[0-9]*.txt
fi
