#!/usr/bin/env bash
# Builds the plugin jar twice, each time with `mvn clean package` in a fresh copy of this source
# tree under a different folder, and compares the two jars' sha256. Exit status 0 when they are
# identical; otherwise the entries that differ are listed and the status is 1.
#
#   scripts/check-reproducible.sh [extra mvn arguments, e.g. -o]
#
# The copies leave out target/, .git and node_modules, so the shared target/ of this checkout is not
# touched. The jar is reproducible because pom.xml sets project.build.outputTimestamp.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tensorspace-reproducible.XXXXXX")"
trap 'rm -rf "$work"' EXIT

declare -a jars hashes
for run in 1 2; do
  # a different absolute path each time: the jar must not depend on where it was built
  dir="$work/build-$run/tensorspace-maven-plugin"
  mkdir -p "$dir"
  tar -C "$root" --exclude=./target --exclude=./.git --exclude='./src/test/node/node_modules' \
      -cf - . | tar -C "$dir" -xf -
  echo "check-reproducible: build $run in $dir"
  start=$SECONDS
  (cd "$dir" && mvn -B -q clean package -Dmaven.test.skip=true "$@")
  jar="$(ls "$dir"/target/tensorspace-maven-plugin-*.jar | grep -v -- '-sources\|-javadoc' | head -n 1)"
  jars[$run]="$jar"
  hashes[$run]="$(sha256sum "$jar" | cut -d ' ' -f 1)"
  echo "check-reproducible: build $run: ${hashes[$run]}  $(basename "$jar") ($((SECONDS - start)) s)"
done

if [ "${hashes[1]}" = "${hashes[2]}" ]; then
  echo "check-reproducible: OK, both builds give the same jar (sha256 ${hashes[1]})"
  exit 0
fi

echo "check-reproducible: the two jars differ" >&2
# length, date, time, CRC-32 and name of every entry (unzip -v), side by side
diff <(unzip -v "${jars[1]}" | sed -n '4,$p') <(unzip -v "${jars[2]}" | sed -n '4,$p') >&2 || true
exit 1
