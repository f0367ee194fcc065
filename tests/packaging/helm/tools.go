//go:build tools

// The command `go mod tidy` must keep in go.mod: build.sh builds helm from this module.
package tools

import (
	_ "helm.sh/helm/v3/cmd/helm"
)
