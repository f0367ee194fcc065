#!/usr/bin/env bash
# Builds helm, of the release pinned in go.mod, and yaml2json (YAML stream → JSON array, for jq),
# for billet's packaging tests (test peers only; billet ships no Go). Prints the directory holding
# the binaries.
#
# The build is cached outside the clone, keyed by everything that decides it (go.mod, go.sum, the
# Go sources here, the Go version): a second run builds nothing and returns at once. The first
# build takes about 5 minutes on two shared cores (4.5 min measured with an empty Go build cache).
#   BILLET_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/billet)
# To move to another helm release: go get helm.sh/helm/v3@vX.Y.Z && go mod tidy (in this directory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BILLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/billet}
key=$( (cd "$here" && cat go.mod go.sum $(find . -name '*.go' | sort); go version) | sha256sum | cut -c1-16)
out=$cache/helm/$key
if [ -x "$out/bin/helm" ] && [ -x "$out/bin/yaml2json" ]; then
  echo "$out/bin"
  exit 0
fi
mkdir -p "$out"
# One build at a time: a second caller (ctest -j, another clone) waits for it, then finds it done.
exec 9>"$out/.lock"
flock 9
if [ -x "$out/bin/helm" ] && [ -x "$out/bin/yaml2json" ]; then
  echo "$out/bin"
  exit 0
fi
tmp=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "building helm and yaml2json into $out" >&2
# helm takes its own version, and the Kubernetes version it templates and lints for, from linker
# variables (as its release build sets them): from go.mod, so that `helm version` is honest and
# `helm lint` checks deprecations against the Kubernetes release its client-go is from.
version=$(cd "$here" && go list -m -f '{{.Version}}' helm.sh/helm/v3)
kube=$(cd "$here" && go list -m -f '{{.Version}}' k8s.io/client-go)  # v0.37.0 is Kubernetes 1.37
kminor=$(echo "$kube" | cut -d. -f2)
flags="-s -w -X helm.sh/helm/v3/internal/version.version=$version"
for pkg in pkg/lint/rules pkg/chartutil; do
  flags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$kminor"
done
(cd "$here" && CGO_ENABLED=0 go build -trimpath -ldflags="$flags" -o "$tmp/" helm.sh/helm/v3/cmd/helm &&
   CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$tmp/" ./yaml2json)
rm -rf "$out/bin" && mv "$tmp" "$out/bin"
trap - EXIT
echo "built in $(( $(date +%s) - start )) s" >&2
echo "$out/bin"
