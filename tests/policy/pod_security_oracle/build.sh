#!/usr/bin/env bash
# Builds the pod-security oracle (test peer only; billet ships no Go): Kubernetes' own Pod
# Security Standards library, k8s.io/pod-security-admission at the release go.mod pins, behind a
# small command (main.go). Prints the path of the binary.
#
# The build is cached outside the clone, keyed by everything that decides it (go.mod, go.sum, the
# Go sources here, the Go version): a second run builds nothing and returns at once.
#   BILLET_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/billet)
# With --fixtures, prints instead the directory of the library's own test fixtures (pods), from
# the Go module cache, or nothing when the module ships none.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --fixtures ]; then
  dir=$(cd "$here" && go list -m -f '{{.Dir}}' k8s.io/pod-security-admission)
  [ -d "$dir/test/testdata" ] && echo "$dir/test/testdata"
  exit 0
fi
cache=${BILLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/billet}
key=$( (cd "$here" && cat go.mod go.sum $(find . -name '*.go' | sort); go version) | sha256sum | cut -c1-16)
out=$cache/pod-security-oracle/$key
if [ -x "$out/bin/pod_security_oracle" ]; then
  echo "$out/bin/pod_security_oracle"
  exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "building the pod-security oracle into $out" >&2
(cd "$here" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$tmp/pod_security_oracle" .)
rm -rf "$out/bin" && mv "$tmp" "$out/bin"
trap - EXIT
echo "built in $(( $(date +%s) - start )) s" >&2
echo "$out/bin/pod_security_oracle"
