#!/usr/bin/env bash
# Builds the control plane billet's cluster tests run against (test peers only; billet ships no Go):
# kube-apiserver, kube-controller-manager and kubectl of the release pinned in go.mod, and the etcd
# server that release tests with. Prints the directory holding the binaries; cached outside the
# clone (tests/go_peer.sh): a second run builds nothing. The first build takes 10 to 15 minutes
# on two cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../go_peer.sh"

build() {
  # The version the release build stamps into the binaries: clients check it, and the API server
  # derives its compatibility version (and so its feature gates' defaults) from it.
  local version minor ldflags pkg
  version=$(sed -n "s/^[[:space:]]*k8s.io\/kubernetes \(v[0-9.]*\).*/\1/p" go.mod)
  minor=$(echo "$version" | cut -d. -f2)
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$1/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl ./etcd
}

go_peer cluster "$here" build kube-apiserver kube-controller-manager kubectl etcd
