#!/usr/bin/env bash
# Before/after comparison of the preprocess goal as a user runs it: `mvn` in a small project
# converting the example model (LeNet, mnist.h5) and the 500 MB Keras model of scripts/benchmark.sh,
# then the same build again with nothing changed (the no-op rebuild).
# usage: scripts/compare.sh [before-ref] [after-ref]
#   before-ref defaults to a95f6d0^, the plugin before incremental builds and streaming to shards
#   after-ref defaults to HEAD.
# Each ref is built into the local repository as version 0.1.0-compare-<sha>. Maven runs with
# MAVEN_OPTS=-Xmx128m. plugin_ms is the time the plugin logs for the model (conversion, or the
# up-to-date check); mvn_s is the whole `mvn -o` run, Maven start-up included; peak RSS is the Maven
# JVM's, as /usr/bin/time reports it. Each figure is from the run with the shortest plugin_ms of
# $RUNS (default 3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

before=${1:-a95f6d0^}
after=${2:-HEAD}
runs=${RUNS:-3}
work=$PWD/target/compare
models=${TENSORSPACE_MODELS:-$PWD/../shared/models}
example=$models/keras2-h5/tensorspace-keras-mnist/mnist.h5
big=$PWD/target/benchmark/keras-500mb.h5
[ -f "$big" ] || scripts/benchmark.sh 500 >/dev/null
mkdir -p "$work"

build() { # ref -> plugin version installed in the local repository
  local sha; sha=$(git rev-parse --short "$1")
  local version=0.1.0-compare-$sha
  if [ ! -d "$HOME/.m2/repository/io/tensorspace/tensorspace-maven-plugin/$version" ]; then
    rm -rf "$work/src-$sha"
    git clone -q . "$work/src-$sha"
    git -C "$work/src-$sha" checkout -q "$sha"
    sed -i "0,/<version>[^<]*<\/version>/s//<version>$version<\/version>/" "$work/src-$sha/pom.xml"
    (cd "$work/src-$sha" && mvn -q -B install -Dmaven.test.skip=true -Dinvoker.skip=true \
      -DskipMavenCompat >/dev/null)
  fi
  echo "$version"
}

mvn_once() { # version, model, project -> "pluginMillis seconds peakKiB"; fails if the build fails
  local out status
  out=$( cd "$3" && MAVEN_OPTS=-Xmx128m /usr/bin/time -f 'TIME %e %M' \
    mvn -B -o -Dstyle.color=never "io.tensorspace:tensorspace-maven-plugin:$1:preprocess" \
      -Dtensorspace.source="$2" -Dtensorspace.outputDirectory="$3/out" 2>&1 ) && status=0 || status=$?
  [ "$status" = 0 ] || { echo "$out" | grep -m1 -E 'OutOfMemoryError|ERROR' >&2; return 1; }
  local plugin
  plugin=$(echo "$out" | grep -o -E "TensorSpace model .* \(?[0-9]+ ms\)? -> " | grep -o -E '[0-9]+ ms' | tail -1)
  echo "${plugin% ms} $(echo "$out" | grep -o 'TIME .*' | cut -d' ' -f2-)"
}

best() { sort -n -k1 | head -1; }

measure() { # version, model -> "plugin_ms mvn_s peak_MiB noop_plugin_ms noop_mvn_s"
  local project=$work/project
  local first noop
  first=$(for _ in $(seq "$runs"); do
    rm -rf "$project"; mkdir -p "$project"
    printf '<project><modelVersion>4.0.0</modelVersion><groupId>compare</groupId><artifactId>compare</artifactId><version>1</version><packaging>pom</packaging></project>\n' > "$project/pom.xml"
    mvn_once "$1" "$2" "$project" || { echo "failed 0 0"; break; }
  done | best)
  noop=$(for _ in $(seq "$runs"); do mvn_once "$1" "$2" "$project" || echo "failed 0 0"; done | best)
  read -r ms s kib <<< "$first"
  read -r nms ns _ <<< "$noop"
  [ "$ms" = failed ] && { echo "failed - - - -"; return; }
  echo "$ms $s $(( kib / 1024 )) $nms $ns"
}

vb=$(build "$before")
va=$(build "$after")
printf '%-16s %-24s %10s %7s %13s %15s %12s\n' model plugin plugin_ms mvn_s peak_rss_MiB noop_plugin_ms noop_mvn_s
for model in "$example" "$big"; do
  for version in "$vb" "$va"; do
    read -r ms s mib nms ns < <(measure "$version" "$model")
    printf '%-16s %-24s %10s %7s %13s %15s %12s\n' "$(basename "$model")" "$version" "$ms" "$s" "$mib" "$nms" "$ns"
  done
done
