//go:build tools

// Package tools pins Argo Rollouts v1.10.2: the sandbox runs its controller out of cluster for progressive
// delivery and analysis, and kubectl-argo-rollouts cross-checks the patches Baton sends.
package tools

import (
	_ "github.com/argoproj/argo-rollouts/cmd/kubectl-argo-rollouts"
	_ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
)
