//go:build tools

// Package tools pins Kustomize as Argo CD v3.6.1 pins it (hack/tool-versions.sh): the repo-server runs
// `kustomize build` for Kustomize sources and the API server reports its version.
package tools

import (
	_ "sigs.k8s.io/kustomize/kustomize/v5"
)
