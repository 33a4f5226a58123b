#!/usr/bin/env bash
# Where the plugin's time goes on one case of scripts/benchmark-deep.sh (run that first: it builds
# the plugin, the models and the consumer projects). Converts the case N times (default 5) in fresh
# Maven JVMs with Java Flight Recorder sampling every millisecond, then prints the top methods of
# the samples taken inside the plugin, by self and by total samples (bench/JfrTop).
# usage: scripts/profile-deep.sh <case> [N] [top entries, default 25]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
work=$root/target/benchmark-deep
dir=$work/projects/$1
[ -f "$dir/pom.xml" ] || { echo "no $dir/pom.xml: run scripts/benchmark-deep.sh $1 first" >&2; exit 1; }
jfc=$work/sampling.jfc
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
sed 's|<setting name="period" control="method-sampling-java-interval">10 ms</setting>|<setting name="period" control="method-sampling-java-interval">1 ms</setting>|' \
  "$java_home/lib/jfr/profile.jfc" > "$jfc"
rm -rf "$dir/jfr" && mkdir -p "$dir/jfr"
for i in $(seq "${2:-5}"); do
  (cd "$dir" && MAVEN_OPTS="-XX:StartFlightRecording=filename=$dir/jfr/$i.jfr,settings=$jfc" \
    "$root/mvnw" -o -B -q -Dmaven.repo.local="$work/repo" -Dmaven.repo.local.tail="$HOME/.m2/repository" \
    generate-resources -Dtensorspace.force >/dev/null 2>&1)
done
java -cp "target/test-classes:target/classes" io.tensorspace.bench.JfrTop "${3:-25}" "$dir"/jfr/*.jfr
