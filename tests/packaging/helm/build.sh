#!/usr/bin/env bash
# Builds helm, of the release pinned in go.mod, and yaml2json (YAML stream → JSON array, for jq),
# for billet's packaging tests (test peers only; billet ships no Go). Prints the directory holding
# the binaries; cached outside the clone (tests/go_peer.sh): a second run builds nothing. The
# first build takes about 5 minutes on two shared cores (4.5 min measured with an empty Go build
# cache).
# To move to another helm release: go get helm.sh/helm/v3@vX.Y.Z && go mod tidy (in this directory).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../go_peer.sh"

build() {
  # helm takes its own version, and the Kubernetes version it templates and lints for, from linker
  # variables (as its release build sets them): from go.mod, so that `helm version` is honest and
  # `helm lint` checks deprecations against the Kubernetes release its client-go is from.
  local version kube kminor flags pkg
  version=$(go list -m -f '{{.Version}}' helm.sh/helm/v3)
  kube=$(go list -m -f '{{.Version}}' k8s.io/client-go)  # v0.37.0 is Kubernetes 1.37
  kminor=$(echo "$kube" | cut -d. -f2)
  flags="-s -w -X helm.sh/helm/v3/internal/version.version=$version"
  for pkg in pkg/lint/rules pkg/chartutil; do
    flags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$kminor"
  done
  CGO_ENABLED=0 go build -trimpath -ldflags="$flags" -o "$1/" helm.sh/helm/v3/cmd/helm &&
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$1/" ./yaml2json
}

go_peer helm "$here" build helm yaml2json
