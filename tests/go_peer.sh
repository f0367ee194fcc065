# Builds one of billet's Go test peers (kube-apiserver and friends, helm, the pod-security oracle)
# and caches it outside the clone. Sourced by each peer's build.sh; billet itself ships no Go.
#
#   go_peer NAME DIR BUILD_FUNCTION BINARY...
#
# The cache is ${BILLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/billet}/NAME/KEY/bin, KEY a hash
# of everything that decides the build (DIR's build.sh, go.mod, go.sum and Go sources, and the Go
# version). When every BINARY is there it prints that directory and builds nothing; otherwise it
# calls `BUILD_FUNCTION TMPDIR` (run in DIR) to build them into TMPDIR, moves the result into
# place and prints the directory. One build at a time per peer: a second caller (ctest -j,
# another clone) waits on a lock, then finds the build done.
#
# Go's build cache is a private one, removed when the build ends: compiling kube-apiserver and its
# friends leaves about 4 GB of compiled packages that no later run reads (the binaries are what
# is cached), and on a small CI disk those gigabytes decide whether the sanitizer builds fit.
# The module cache (the downloaded sources, about 1 GB) stays where `go env GOMODCACHE` says.

go_peer() {
  local name=$1 dir=$2 build=$3
  shift 3
  local need have cache key out tmp gocache start b missing=0 built=0
  need=$(sed -n 's/^go //p' "$dir/go.mod")
  if ! command -v go > /dev/null; then
    echo "$name: the Go toolchain (go $need or newer) is needed to build this test peer" >&2
    return 2
  fi
  have=$(go env GOVERSION | sed 's/^go//')
  if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
    echo "$name: go $have is older than the go $need this test peer needs" >&2
    return 2
  fi
  cache=${BILLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/billet}
  key=$( (cd "$dir" && cat build.sh go.mod go.sum $(find . -name '*.go' | sort); go version) \
         | sha256sum | cut -c1-16)
  out=$cache/$name/$key
  mkdir -p "$out"
  exec 9> "$out/.lock"
  flock 9
  for b in "$@"; do [ -x "$out/bin/$b" ] || missing=1; done
  if [ "$missing" = 0 ]; then
    exec 9>&-
    echo "$out/bin"
    return 0
  fi
  tmp=$(mktemp -d "$out/build.XXXXXX")
  gocache=$(mktemp -d "$out/gocache.XXXXXX")
  start=$(date +%s)
  echo "building $name ($*) into $out" >&2
  (cd "$dir" && GOCACHE=$gocache "$build" "$tmp") && built=1
  rm -rf "$gocache"
  if [ "$built" = 0 ]; then
    rm -rf "$tmp"
    exec 9>&-
    return 1
  fi
  rm -rf "$out/bin" && mv "$tmp" "$out/bin"
  exec 9>&-
  echo "built $name in $(( $(date +%s) - start )) s" >&2
  echo "$out/bin"
}
