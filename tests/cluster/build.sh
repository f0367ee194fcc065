#!/usr/bin/env bash
# Builds the control plane billet's cluster tests run against (test peers only; billet ships no Go):
# kube-apiserver, kube-controller-manager and kubectl of the release pinned in go.mod, and the etcd
# server that release tests with. Prints the directory holding the binaries.
#
# The build is cached outside the clone, keyed by everything that decides it (go.mod, go.sum, the
# Go sources here, the Go version): a second run builds nothing and returns at once. The first
# build takes about BUILD_MINUTES minutes on two cores.
#   BILLET_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/billet)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
need=$(sed -n 's/^go //p' "$here/go.mod")
if ! command -v go > /dev/null; then
  echo "tests/cluster/build.sh: the Go toolchain (go $need or newer) is needed to build the test control plane" >&2
  exit 2
fi
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
  echo "tests/cluster/build.sh: go $have is older than the go $need the pinned Kubernetes release needs" >&2
  exit 2
fi
cache=${BILLET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/billet}
key=$( (cd "$here" && cat build.sh go.mod go.sum $(find . -name '*.go' | sort); go version) | sha256sum | cut -c1-16)
out=$cache/cluster/$key
if [ -x "$out/bin/kube-apiserver" ] && [ -x "$out/bin/kube-controller-manager" ] \
   && [ -x "$out/bin/kubectl" ] && [ -x "$out/bin/etcd" ]; then
  echo "$out/bin"
  exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d "$out/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "building the test control plane (kube-apiserver, kube-controller-manager, kubectl, etcd) into $out" >&2
# The version the release build stamps into the binaries: clients check it, and the API server
# derives its compatibility version (and so its feature gates' defaults) from it.
version=$(sed -n "s/^[[:space:]]*k8s.io\/kubernetes \(v[0-9.]*\).*/\1/p" "$here/go.mod")
minor=$(echo "$version" | cut -d. -f2)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
(cd "$here" && CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$tmp/" \
   k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
   k8s.io/kubernetes/cmd/kubectl ./etcd)
rm -rf "$out/bin" && mv "$tmp" "$out/bin"
trap - EXIT
echo "built in $(( $(date +%s) - start )) s" >&2
echo "$out/bin"
