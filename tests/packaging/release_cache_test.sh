#!/usr/bin/env bash
# The release build's cache outside the clone (scripts/release_cache.sh): which sources share a
# key, what is restored and kept, and that scripts/build-release.sh copies a cached build instead
# of building. No compiler runs: the cached "builds" are small scripts that answer `version`.
# Usage: release_cache_test.sh SOURCE_DIR
set -uo pipefail
SRC=$1
source "$SRC/tests/cli/testlib.sh"
export BILLET_CACHE=$T/cache
unset BENCH

# A repository of the scripts as they are in SOURCE_DIR (committed or not) and a source file, and
# two clones of its one commit. It has no CMakeLists.txt: a build in it would fail at once.
mkdir -p "$T/origin/scripts" "$T/origin/json"
cp "$SRC/scripts/release_cache.sh" "$SRC/scripts/build-release.sh" "$T/origin/scripts/"
cp "$SRC/json/value.cc" "$T/origin/json/"
cp "$SRC/.gitignore" "$T/origin/"
git -C "$T/origin" init -q && git -C "$T/origin" add -A &&
  git -C "$T/origin" -c user.name=test -c user.email=test@localhost commit -qm sources &&
  git clone -q "$T/origin" "$T/a" && git clone -q "$T/origin" "$T/b" ||
  { echo "FAILED: setting up the repositories"; exit 1; }
key() { (cd "$1" && source scripts/release_cache.sh && release_key); }
ka=$(key "$T/a")
check "a key is a hash ($ka)" grep -Eqx '[0-9a-f]{32}' <<<"$ka"
check "two clones of one commit share a key" [ "$ka" = "$(key "$T/b")" ]

echo "// a change" >> "$T/b/json/value.cc"
kb=$(key "$T/b")
check "a change to a tracked file changes it" [ "$kb" != "$ka" ]
git -C "$T/b" checkout -q -- json/value.cc
check "undoing the change gives the key back" [ "$(key "$T/b")" = "$ka" ]

echo one > "$T/b/json/new.cc"
k1=$(key "$T/b")
echo two > "$T/b/json/new.cc"
k2=$(key "$T/b")
check "an untracked file changes it" [ "$k1" != "$ka" ]
check "and so does its content" [ "$k2" != "$k1" ]
rm "$T/b/json/new.cc"
mkdir -p "$T/b/build-release" && echo x > "$T/b/build-release/ignored"
check "ignored files (build trees) do not" [ "$(key "$T/b")" = "$ka" ]
check "BENCH=1 has its own key" [ "$(cd "$T/a" && BENCH=1 bash -c 'source scripts/release_cache.sh && release_key')" != "$ka" ]
check "outside a git work tree there is no key" \
  [ -z "$(cd "$T" && mkdir plain && cp "$SRC/scripts/release_cache.sh" plain/ && cd plain && source release_cache.sh && release_key)" ]

# A "build": billet as a script that answers `version` (as the real one must, to be reused).
fake_build() {  # DIR TEXT
  mkdir -p "$1"
  printf '#!/bin/sh\necho "%s"\n' "$2" > "$1/billet"
  chmod +x "$1/billet"
}
source "$SRC/scripts/release_cache.sh"
fake_build "$T/built" "billet cached"
release_save "$T/built" k1
check "save keeps billet under the key" [ -x "$BILLET_CACHE/release/k1/billet" ]
check "restore of an unknown key fails" bash -c "source '$SRC/scripts/release_cache.sh' && ! release_restore '$T/r0' nokey"
release_restore "$T/r1" k1
check "restore copies billet into the directory" cmp -s "$T/built/billet" "$T/r1/billet"
check "restore of no key fails" bash -c "source '$SRC/scripts/release_cache.sh' && ! release_restore '$T/r2' ''"

printf '#!/bin/sh\nexit 127\n' > "$BILLET_CACHE/release/k1/billet"
check "a cached billet that no longer runs is not restored" \
  bash -c "source '$SRC/scripts/release_cache.sh' && ! release_restore '$T/r3' k1"
check "and is dropped from the cache" [ ! -e "$BILLET_CACHE/release/k1" ]

for k in k2 k3 k4 k5; do
  release_save "$T/built" "$k"
  sleep 1.1  # ls -t orders by modification time, to the second on some file systems
done
check "the three most recent builds are kept ($(ls "$BILLET_CACHE/release" | tr '\n' ' '))" \
  [ "$(ls "$BILLET_CACHE/release" | tr '\n' ' ')" = "k3 k4 k5 " ]
check "no partial copy is left behind" [ -z "$(find "$BILLET_CACHE/release" -name '.saving.*')" ]

mkdir -p "$T/bench-built/bench"
fake_build "$T/bench-built" "billet with benchmarks"
cp "$T/bench-built/billet" "$T/bench-built/bench/admission_benchmark"
cp "$T/bench-built/billet" "$T/bench-built/bench/json_parse_benchmark"
cp "$T/bench-built/billet" "$T/bench-built/bench/review_loop"
BENCH=1 release_save "$T/bench-built" kb1
BENCH=1 release_restore "$T/rb" kb1
check "BENCH=1 keeps and restores the benchmarks" \
  bash -c "[ -x '$T/rb/bench/admission_benchmark' ] && [ -x '$T/rb/bench/json_parse_benchmark' ] &&
           [ -x '$T/rb/bench/review_loop' ]"

# build-release.sh in clone a, with its key's build in the cache: copied, not built.
fake_build "$T/for-a" "billet for clone a"
release_save "$T/for-a" "$ka"
start=$(date +%s)
(cd "$T/a" && bash scripts/build-release.sh "$T/out") > "$T/out.log" 2>&1
rc=$?
check "build-release.sh succeeds from the cache (rc $rc)" [ $rc -eq 0 ]
check "it says where it copied from" grep -q "copied from .*/release/$ka" "$T/out.log"
check "it built nothing" bash -c "[ ! -e '$T/out/CMakeCache.txt' ] && [ \$(( \$(date +%s) - $start )) -lt 30 ]"
check "the binary is the cached one" grep -q "billet for clone a" "$T/out/billet"
check "and its stamp is the key" [ "$(cat "$T/out/release.stamp")" = "$ka" ]
(cd "$T/a" && bash scripts/build-release.sh "$T/out") > "$T/again.log" 2>&1
check "run again, the directory itself is current" grep -q "is built from these sources" "$T/again.log"

finish
