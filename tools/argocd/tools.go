//go:build tools

// Package tools pins Argo CD's multi-call binary (argocd, argocd-server, argocd-repo-server,
// argocd-application-controller, ...). The build list comes from github.com/argoproj/argo-cd/v3;
// the replaces mirror its go.mod.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
