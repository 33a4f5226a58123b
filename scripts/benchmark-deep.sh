#!/usr/bin/env bash
# What the preprocess goal adds to a Maven build on real architectures, against the Node.js way.
# usage: scripts/benchmark-deep.sh [case ...]   (default: every case; RUNS=5 rounds each)
#   cases: lenet-tfjs lenet-h5 and <model>-{f32,u8,h5,graph} for inceptionv3 resnet50 mobilenet
#
# Models are made at benchmark time (never committed): make-deep-models.js gives InceptionV3,
# ResNet50 and MobileNet (corpus golden/*-topology-only, weights initialised by tfjs 4.22) as tfjs
# layers models (float32); bench/DeepModelForms writes each also as a Keras 2 HDF5 file (jHDF), with
# uint8-quantized weights, and as a tfjs graph model (from TF Java's frozen GraphDef of it); h5py
# (Debian's python3-h5py) adds the HDF5 file's model_config as Keras does. LeNet is
# the corpus tfjs model (tensorspace-tfjs-lenet-raw) and its HDF5 form.
#
# The plugin is installed into a local repository of its own (target/benchmark-deep/repo, reading
# the rest from ~/.m2), so other builds on the machine cannot swap it. Each case has a generated
# consumer POM converting that one model in generate-resources. Each round runs, in fresh processes:
#   skip   ./mvnw -o generate-resources -Dtensorspace.skip    (Maven with the plugin doing nothing)
#   force  ./mvnw -o generate-resources -Dtensorspace.force   (converts)
#   anchor node anchor-convert.js: tfjs 4.22 loads the model, wraps every layer's output as a model
#          output, saves it (graph models: compiles the execution plan of the nodes the plugin
#          exposes, saves). An HDF5 model's anchor is its tfjs float32 twin (tfjs reads no HDF5).
#   noop   ./mvnw -o generate-resources                       (converted already, input unchanged)
# Figures are medians over RUNS rounds: added = force - skip and noop_added = noop - skip (paired
# per round, so load that hits one round hits both), ratio = added / anchor; plugin_ms is the time
# the plugin logs; RSS is the Maven JVM's peak (/usr/bin/time %M). goal_add and goal_noop are the
# same differences of the time from Maven's "--- tensorspace:...:preprocess" log line to BUILD
# SUCCESS: they leave out Maven's start (the same work in every build, whose length varies by
# +-150 ms between fresh JVMs) and are what the verdict uses. Targets: deep models ratio <= 0.5
# and RSS growth <= 100 MiB; LeNet added <= 150 ms; every no-op added <= 50 ms.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
/usr/bin/python3 -c 'import h5py' 2>/dev/null \
  || { echo "needs h5py for the Keras HDF5 forms: apt-get install python3-h5py" >&2; exit 1; }
root=$PWD
runs=${RUNS:-5}
work=$root/target/benchmark-deep
models=${TENSORSPACE_MODELS:-$root/../shared/models}
repo=(-Dmaven.repo.local="$work/repo" -Dmaven.repo.local.tail="$HOME/.m2/repository")
mkdir -p "$work"
log=$work/log.txt
: > "$log"

# ---------------------------------------------------------------- plugin and inputs
[ -d src/test/node/node_modules ] || npm ci --prefix src/test/node --no-audit --no-fund >>"$log"
echo "building the plugin (./mvnw -o install -DskipTests)" >&2
./mvnw -o -q -B install -DskipTests -Dinvoker.skip=true -DskipMavenCompat "${repo[@]}" >>"$log"
./mvnw -o -q -B dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/classpath.txt" "${repo[@]}" >>"$log"
cp="target/test-classes:target/classes:$(cat "$work/classpath.txt")"
version=$(sed -n '0,/<version>/s|.*<version>\(.*\)</version>.*|\1|p' pom.xml)

in=$work/models
if [ ! -f "$in/mobilenet/graph/model.json" ]; then
  echo "making the models (make-deep-models.js, bench/DeepModelForms)" >&2
  rm -rf "$in"
  mkdir -p "$in/lenet"
  cp "$models/tfjs-layers/tensorspace-tfjs-lenet-raw/mnist.weights.bin" "$in/lenet/"
  cp "$models/tfjs-layers/tensorspace-tfjs-lenet-raw/mnist.json" "$in/lenet/model.json"
  java -cp "$cp" io.tensorspace.bench.KerasH5FromTfjs "$in/lenet" "$in/lenet.h5" >>"$log" 2>&1
  node src/test/node/make-deep-models.js "$models" "$in" >>"$log"
  for m in inceptionv3 resnet50 mobilenet; do
    java -cp "$cp" io.tensorspace.bench.DeepModelForms "$in/$m" "$in/$m" >>"$log" 2>&1
    # the model_config attribute, as Keras writes it with h5py (a variable-length string in the global heap)
    /usr/bin/python3 -c 'import sys, h5py
with h5py.File(sys.argv[1], "a") as f: f.attrs["model_config"] = open(sys.argv[2], "rb").read()' \
      "$in/$m/model.h5" "$in/$m/model_config.json"
  done
fi

# case -> "source anchor-kind anchor-model"
source_of() {
  case $1 in
    lenet-tfjs) echo "$in/lenet/model.json layers $in/lenet/model.json" ;;
    lenet-h5) echo "$in/lenet.h5 layers $in/lenet/model.json" ;;
    *-f32) echo "$in/${1%-f32}/model.json layers $in/${1%-f32}/model.json" ;;
    *-u8) echo "$in/${1%-u8}/uint8/model.json layers $in/${1%-u8}/uint8/model.json" ;;
    *-h5) echo "$in/${1%-h5}/model.h5 layers $in/${1%-h5}/model.json" ;;
    *-graph) echo "$in/${1%-graph}/graph/model.json graph $in/${1%-graph}/graph/model.json" ;;
  esac
}

project() { # case, source -> the consumer project folder
  local dir=$work/projects/$1
  mkdir -p "$dir"
  cat > "$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>$1</artifactId><version>1</version><packaging>pom</packaging>
  <build><plugins><plugin>
    <groupId>io.tensorspace</groupId><artifactId>tensorspace-maven-plugin</artifactId>
    <version>$version</version>
    <executions><execution><goals><goal>preprocess</goal></goals><configuration>
      <outputDirectory>\${project.build.directory}/models</outputDirectory>
      <models><model><name>$1</name><source>$2</source></model></models>
    </configuration></execution></executions>
  </plugin></plugins></build>
</project>
EOF
  echo "$dir"
}

now() { date +%s%N; }

# Maven's log lines with a time of day, to time the build from the goal's start to its end
stamped=(-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS)

ms_of_day() { # "HH:MM:SS.mmm" -> milliseconds
  awk -F'[:.]' '{ print ((($1 * 60) + $2) * 60 + $3) * 1000 + $4 }' <<< "$1"
}

mvn_once() { # project, flags... -> "wall_ms rss_KiB plugin_ms goal_ms" (plugin_ms: the logged
  # time or -; goal_ms: from Maven's "--- tensorspace:...:preprocess" line to BUILD SUCCESS, which
  # leaves out Maven's start, the same work in every build and most of their noise)
  local dir=$1 t0 t1 out
  shift
  t0=$(now)
  out=$(cd "$dir" && /usr/bin/time -f 'PEAK_RSS %M' "$root/mvnw" -o -B -Dstyle.color=never \
    "${stamped[@]}" "${repo[@]}" generate-resources "$@" 2>&1) || { echo "$out" >>"$log"; echo "maven failed in $dir" >&2; return 1; }
  t1=$(now)
  echo "$out" >>"$log"
  local plugin goal_start goal_end
  plugin=$(echo "$out" | grep -o -E "TensorSpace model '[^']*' .*[ (]([0-9]+) ms\)? -> " \
    | grep -o -E '[0-9]+ ms' | tail -1 | cut -d' ' -f1)
  goal_start=$(ms_of_day "$(echo "$out" | grep -- '--- tensorspace:' | head -1 | cut -d' ' -f1)")
  goal_end=$(ms_of_day "$(echo "$out" | grep 'BUILD SUCCESS' | head -1 | cut -d' ' -f1)")
  echo "$(( (t1 - t0) / 1000000 )) $(echo "$out" | grep -o 'PEAK_RSS [0-9]*' | cut -d' ' -f2) ${plugin:--}" \
    "$(( goal_end - goal_start ))"
}

anchor_once() { # kind, model.json, out, nodes file -> wall_ms
  local t0 t1
  rm -rf "$3"
  t0=$(now)
  node src/test/node/anchor-convert.js "$1" "$2" "$3" "$4" >>"$log" 2>&1 \
    || { echo "anchor failed: $*" >&2; return 1; }
  t1=$(now)
  echo $(( (t1 - t0) / 1000000 ))
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

exposed_nodes() { # converted model.json -> the node names the plugin exposes, one a line
  node -e 'const j = require(process.argv[1]); console.log(j.userDefinedMetadata.outputNodes.join("\n"))' "$1"
}

measure() { # case -> one result line
  local id=$1 source kind anchor_model dir
  read -r source kind anchor_model < <(source_of "$id")
  [ -n "$source" ] || { echo "unknown case $id" >&2; return 1; }
  dir=$(project "$id" "$source")
  cat "$(dirname "$source")"/* "$(dirname "$anchor_model")"/* >/dev/null 2>&1 || true
  local nodes=$dir/nodes.txt rows=$dir/rows.txt
  : > "$rows"
  for round in $(seq "$runs"); do
    local skip force noop anchor
    skip=$(mvn_once "$dir" -Dtensorspace.skip)
    force=$(mvn_once "$dir" -Dtensorspace.force)
    [ "$kind" = graph ] && exposed_nodes "$dir/target/models/$id/model.json" > "$nodes"
    anchor=$(anchor_once "$kind" "$anchor_model" "$dir/anchor-out" "$nodes")
    noop=$(mvn_once "$dir")
    # 1 skip_ms 2 skip_rss 3 force_ms 4 force_rss 5 plugin_ms 6 noop_ms 7 noop_plugin_ms
    # 8 anchor_ms 9 skip_goal_ms 10 force_goal_ms 11 noop_goal_ms
    echo "$(echo "$skip" | cut -d' ' -f1,2) $(echo "$force" | cut -d' ' -f1-3)" \
      "$(echo "$noop" | cut -d' ' -f1,3) $anchor $(echo "$skip" | cut -d' ' -f4)" \
      "$(echo "$force" | cut -d' ' -f4) $(echo "$noop" | cut -d' ' -f4)" >> "$rows"
    echo "  $id round $round: $(tail -1 "$rows")" >&2
  done
  local added noop_added anchor_ms plugin_ms noop_plugin skip_rss force_rss outputs goal_added
  local goal_noop
  added=$(awk '{ print $3 - $1 }' "$rows" | median)
  noop_added=$(awk '{ print $6 - $1 }' "$rows" | median)
  goal_added=$(awk '{ print $10 - $9 }' "$rows" | median)
  goal_noop=$(awk '{ print $11 - $9 }' "$rows" | median)
  anchor_ms=$(awk '{ print $8 }' "$rows" | median)
  plugin_ms=$(awk '{ print $5 }' "$rows" | median)
  noop_plugin=$(awk '{ print $7 }' "$rows" | median)
  skip_rss=$(( $(awk '{ print $2 }' "$rows" | median) / 1024 ))
  force_rss=$(( $(awk '{ print $4 }' "$rows" | median) / 1024 ))
  outputs=$(node -e 'const j = require(process.argv[1]); const m = j.userDefinedMetadata || {};
    console.log((m.outputNodes || (j.modelTopology.model_config || j.modelTopology).config.output_layers).length)' \
    "$dir/target/models/$id/model.json" 2>/dev/null || echo '?')
  echo "$id $outputs $added $plugin_ms $anchor_ms $noop_added $noop_plugin $skip_rss $force_rss" \
    "$goal_added $goal_noop"
}

verdict() { # case added anchor noop_added rss_growth -> PASS/FAIL with the failed targets
  awk -v id="$1" -v a="$2" -v n="$3" -v noop="$4" -v g="$5" 'BEGIN {
    f = ""
    if (id ~ /^lenet/) { if (a > 150) f = f " added>150ms" }
    else { if (a > 0.5 * n) f = f " ratio>0.5"; if (g > 100) f = f " RSS+>100MiB" }
    if (noop > 50) f = f " noop>50ms"
    print (f == "" ? "PASS" : "FAIL:" f) }'
}

cases=${*:-lenet-tfjs lenet-h5 inceptionv3-f32 inceptionv3-u8 inceptionv3-h5 inceptionv3-graph \
  resnet50-f32 resnet50-u8 resnet50-h5 resnet50-graph mobilenet-f32 mobilenet-u8 mobilenet-h5 mobilenet-graph}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $runs rounds per case" >&2
# one untimed round first: Maven's and Node's files into the page cache
warm=$(project warm-up "$in/lenet/model.json")
mvn_once "$warm" -Dtensorspace.force >/dev/null
anchor_once layers "$in/lenet/model.json" "$warm/anchor-out" - >/dev/null
results=()
for id in $cases; do
  line=$(measure "$id") || line="$id FAILED"   # a failing case is reported, the others still run
  results+=("$line")
done
printf '\n%-18s %7s %9s %9s %9s %6s %9s %9s %8s %9s %7s %9s %6s %9s  %s\n' case outputs added_ms \
  plugin_ms anchor_ms ratio noop_add noop_plug rss_skip rss_conv growth goal_add g_ratio goal_noop \
  "verdict (on the goal_ figures)"
for line in "${results[@]}"; do
  read -r id outputs added plugin anchor noop_added noop_plugin skip_rss force_rss goal_added \
    goal_noop <<< "$line"
  [ "$outputs" = FAILED ] && { printf '%-18s FAILED (see %s)\n' "$id" "$log"; continue; }
  ratio=$(awk -v a="$added" -v n="$anchor" 'BEGIN { printf "%.2f", a / n }')
  goal_ratio=$(awk -v a="$goal_added" -v n="$anchor" 'BEGIN { printf "%.2f", a / n }')
  growth=$((force_rss - skip_rss))
  printf '%-18s %7s %9s %9s %9s %6s %9s %9s %8s %9s %7s %9s %6s %9s  %s\n' "$id" "$outputs" \
    "$added" "$plugin" "$anchor" "$ratio" "$noop_added" "$noop_plugin" "$skip_rss" "$force_rss" \
    "$growth" "$goal_added" "$goal_ratio" "$goal_noop" \
    "$(verdict "$id" "$goal_added" "$anchor" "$goal_noop" "$growth")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); times in ms, RSS in MiB; log: $log"
