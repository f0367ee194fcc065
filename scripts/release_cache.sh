# The release build's cache outside the clone (sourced by scripts/build-release.sh).
#
# The release build compiles billet twice with a training run between (about 10 minutes on two
# cores), and ccache cannot help: the second compile reads a profile that differs from run to run,
# and link-time optimization compiles again at the link. What it makes depends only on the
# sources and the toolchain, so its binaries are kept under
# ${BILLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/billet}/release/KEY/, KEY a hash of the commit,
# the uncommitted changes (untracked files included), BENCH and the compiler's and cmake's
# versions. Another clean clone of the same commit on this machine (the test command in CI, run
# again) copies them instead of building. The three most recently used builds are kept (about
# 32 MB each, 50 MB with BENCH=1's benchmarks).
#
#   release_key                 # prints KEY; nothing outside a git work tree (a Docker build)
#   release_restore DIR KEY     # copies KEY's binaries into DIR; fails when there are none
#   release_save DIR KEY        # keeps DIR's binaries as KEY's

release_cache_root() {
  echo "${BILLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/billet}/release"
}

release_key() {
  git rev-parse --is-inside-work-tree > /dev/null 2>&1 || return 0
  {
    git rev-parse HEAD 2> /dev/null || true
    git diff HEAD --binary 2> /dev/null || true
    # Untracked files by name and content (sha256sum prints both).
    git ls-files --others --exclude-standard -z | sort -z | xargs -0r sha256sum
    echo "BENCH=${BENCH:-0}"
    "${CXX:-c++}" --version 2> /dev/null | head -n1
    cmake --version | head -n1
  } | sha256sum | cut -c1-32
}

# The files a release build leaves for its users: billet, and with BENCH=1 the benchmarks
# bench/targets.sh runs.
release_files() {
  echo billet
  if [[ "${BENCH:-0}" == 1 ]]; then
    echo bench/admission_benchmark
    echo bench/json_parse_benchmark
    echo bench/review_loop
  fi
}

release_restore() {
  local dir=$1 key=$2 entry f
  [[ -n "$key" ]] || return 1
  entry="$(release_cache_root)/$key"
  while read -r f; do
    [[ -x "$entry/$f" ]] || return 1
  done < <(release_files)
  while read -r f; do
    mkdir -p "$dir/$(dirname "$f")"
    cp -f "$entry/$f" "$dir/$f"
  done < <(release_files)
  # A binary that no longer runs (a library it was linked with is gone) is not reused.
  if ! "$dir/billet" version > /dev/null 2>&1; then
    rm -rf "$entry"
    return 1
  fi
  touch "$entry"
}

release_save() {
  local dir=$1 key=$2 root tmp f
  [[ -n "$key" ]] || return 0
  root="$(release_cache_root)"
  mkdir -p "$root"
  tmp="$(mktemp -d "$root/.saving.XXXXXX")"
  while read -r f; do
    mkdir -p "$tmp/$(dirname "$f")"
    cp "$dir/$f" "$tmp/$f"
  done < <(release_files)
  # Another clone may have saved the same build meanwhile: either copy will do.
  rm -rf "${root:?}/$key"
  mv -T "$tmp" "$root/$key" 2> /dev/null || rm -rf "$tmp"
  # Keep the three most recently used.
  ls -1t "$root" | tail -n +4 | while read -r old; do rm -rf "${root:?}/$old"; done
}
