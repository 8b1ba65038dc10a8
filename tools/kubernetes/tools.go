//go:build tools

// Package tools pins the Kubernetes control plane and etcd that the sandbox runs.
// The build list comes from k8s.io/kubernetes; the replaces mirror its staging modules.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
