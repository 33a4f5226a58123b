#!/usr/bin/env bash
# The README's first command on a bare clone, as a newcomer runs it: clones this repository's HEAD
# into an empty temporary folder (no ../shared beside it), runs the first ```sh block of README.md
# exactly as written, waits until the example page, the converted model's model.json, its weight
# shard and TensorSpace are served on http://localhost:8080/, then stops it and prints the wall time.
#
# By default the command runs as on a machine with a JDK only: HOME (and Maven's user.home) is an
# empty folder (no ~/.m2 repository, no Maven Wrapper distribution) and `mvn`, `node`, `npm` and `npx` on the PATH are
# replaced by stubs that fail, so the run proves none of them is needed.
#   --keep-home   use the real HOME (~/.m2 already filled: a much quicker run)
#   --keep        keep the temporary folder (its path is printed)
# Usage: scripts/first-hour.sh [--keep-home] [--keep] [repository, default: this one]
set -euo pipefail

keep_home=false
keep=false
repo=
for arg in "$@"; do
  case "$arg" in
    --keep-home) keep_home=true ;;
    --keep) keep=true ;;
    -*) echo "first-hour: unknown option $arg" >&2; exit 2 ;;
    *) repo="$arg" ;;
  esac
done
repo="${repo:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
url=http://localhost:8080
timeout_s="${FIRST_HOUR_TIMEOUT:-1800}"

command -v curl >/dev/null || { echo "first-hour: curl is needed to poll the server" >&2; exit 1; }
if curl -s -o /dev/null "$url/"; then
  echo "first-hour: something already listens on $url; stop it first" >&2
  exit 1
fi

tmp="$(mktemp -d /tmp/first-hour.XXXXXX)"
clone="$tmp/bare/main"
log="$tmp/first-command.log"
pgid=
cleanup() {
  if [ -n "$pgid" ]; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
  if $keep; then echo "first-hour: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

git clone -q "$repo" "$clone"
echo "first-hour: cloned $(git -C "$clone" log -1 --format='%h %s' | cut -c1-100)"
echo "first-hour: beside the clone: $(ls -A "$tmp/bare")"

# The first fenced sh block of the README, unchanged.
first_command="$(awk '/^```sh$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }' "$clone/README.md")"
[ -n "$first_command" ] || { echo "first-hour: no \`\`\`sh block in README.md" >&2; exit 1; }
echo "first-hour: running: $first_command"

env_args=()
if ! $keep_home; then
  mkdir -p "$tmp/home" "$tmp/stubs"
  for tool in mvn node npm npx; do
    printf '#!/bin/sh\necho "first-hour: %s was called, but the first command must not need it" >&2\nexit 127\n' \
      "$tool" >"$tmp/stubs/$tool"
    chmod +x "$tmp/stubs/$tool"
  done
  # Java takes user.home from the password file, not from HOME: MAVEN_OPTS points Maven's at it too
  env_args=(-u MAVEN_USER_HOME -u MAVEN_ARGS HOME="$tmp/home" MAVEN_OPTS="-Duser.home=$tmp/home"
            PATH="$tmp/stubs:$PATH")
  echo "first-hour: HOME=$tmp/home (empty); mvn, node, npm, npx stubbed out"
fi

start=$(date +%s)
# its own process group, so that stopping it stops Maven or the server and nothing else
(cd "$clone" && exec setsid env "${env_args[@]}" bash -c "$first_command") >"$log" 2>&1 &
pid=$!
pgid=$pid

served() { curl -sf -o "$tmp/$2" "$url/$1"; }
until served "" index.html && served models/lenet/model.json model.json \
    && served models/lenet/group1-shard1of1.bin shard.bin \
    && served lib/tensorspace@0.6.1/dist/tensorspace.min.js tensorspace.min.js; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "first-hour: FAILED: the command ended before serving the page; its last lines:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  if [ $(( $(date +%s) - start )) -gt "$timeout_s" ]; then
    echo "first-hour: FAILED: nothing served after ${timeout_s}s; last lines:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  sleep 2
done
wall=$(( $(date +%s) - start ))

if grep -q 'but the first command must not need it' "$log"; then
  grep 'but the first command must not need it' "$log" >&2
  echo "first-hour: FAILED: a stubbed-out tool was called" >&2
  exit 1
fi
grep -q 'tensorspace-model.js' "$tmp/index.html" \
  || { echo "first-hour: FAILED: the page does not load the generated TensorSpace code" >&2; exit 1; }
tr -d ' \n' <"$tmp/model.json" | grep -q '"format":"layers-model"' \
  || { echo "first-hour: FAILED: model.json is not a layers-model" >&2; exit 1; }

echo "first-hour: Maven downloaded $(grep -c '^\[INFO\] Downloaded from' "$log" || true) files; the output's summary:"
grep -E 'Apache Maven|BUILD|Passed:|TensorSpace example:' "$log" | sed 's/^/  | /'
grep -hE "TensorSpace model 'lenet'|Expanding|not checked" "$clone"/target/it/example-webapp/build.log | sed 's/^/  | /'
echo "first-hour: served $url/ ($(wc -c <"$tmp/index.html") bytes)," \
  "models/lenet/model.json ($(wc -c <"$tmp/model.json") bytes)," \
  "group1-shard1of1.bin ($(wc -c <"$tmp/shard.bin") bytes), tensorspace.min.js ($(wc -c <"$tmp/tensorspace.min.js") bytes)"
echo "first-hour: PASSED in ${wall}s wall time from a bare clone to the page served"
