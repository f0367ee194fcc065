#!/usr/bin/env bash
# Pins the control plane the cluster tests run to one Kubernetes release.
#   bash tests/cluster/pin.sh v1.37.2
# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/client-go, ...) at v0.0.0 and
# replaces them with its own ./staging tree, which a module importing it does not have. So this
# module replaces each of them with the published staging release of the same minor (v1.37.2 ->
# v0.37.2), read from the release's own go.mod, then lets `go mod tidy` resolve the rest.
set -euo pipefail
cd "$(dirname "$0")"
version=${1:?usage: pin.sh v1.X.Y}
staging=v0.${version#v1.}
go mod download k8s.io/kubernetes@"$version"
release_mod=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$version.mod
{
  echo "// The control plane billet's cluster tests run against. Written by pin.sh; test peers only."
  echo "module billet.test/cluster"
  echo
  echo "go $(sed -n 's/^go //p' "$release_mod")"
  echo
  echo "require k8s.io/kubernetes $version"
  echo
  echo "replace ("
  sed -n 's|^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*|\t\1 => \1 '"$staging"'|p' "$release_mod"
  echo ")"
} > go.mod
rm -f go.sum
go mod tidy
