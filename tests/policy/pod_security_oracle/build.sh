#!/usr/bin/env bash
# Builds the pod-security oracle (test peer only; billet ships no Go): Kubernetes' own Pod
# Security Standards library, k8s.io/pod-security-admission at the release go.mod pins, behind a
# small command (main.go). Prints the path of the binary; cached outside the clone
# (tests/go_peer.sh): a second run builds nothing.
# With --fixtures, prints instead the directory of the library's own test fixtures (pods), from
# the Go module cache, or nothing when the module ships none.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --fixtures ]; then
  dir=$(cd "$here" && go list -m -f '{{.Dir}}' k8s.io/pod-security-admission)
  [ -d "$dir/test/testdata" ] && echo "$dir/test/testdata"
  exit 0
fi
source "$here/../../go_peer.sh"

build() { CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$1/pod_security_oracle" .; }

bin=$(go_peer pod-security-oracle "$here" build pod_security_oracle)
echo "$bin/pod_security_oracle"
