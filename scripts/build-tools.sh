#!/usr/bin/env bash
# Builds the Go-built parts of the sandbox into .tools/bin from their pinned Go modules.
# Idempotent: a binary whose recorded pin matches is reused; only what is missing is built.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.tools/bin"
logs="$root/.tools/logs"
mkdir -p "$bin" "$logs"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

TEMPORAL_CLI=github.com/temporalio/cli/cmd/temporal@v1.5.1
KWOK=sigs.k8s.io/kwok/cmd/kwok@v0.8.0
KUBERNETES_VERSION=v1.34.4
ARGOCD_VERSION=v3.6.1
ARGOCD_GO=go1.27.3 # Argo CD v3.6 needs go >= 1.27; fetched once from the module proxy
# Helm and Kustomize as Argo CD v3.6.1 pins them (its hack/tool-versions.sh): its repo-server renders with them.
HELM=helm.sh/helm/v4/cmd/helm@v4.3.1
KUSTOMIZE_VERSION=v5.8.3 # a wrapper module (tools/kustomize), built with $ARGOCD_GO
# The sandbox's chart registry (OCI, plain HTTP on 127.0.0.1).
REGISTRY=github.com/distribution/distribution/v3/cmd/registry@v3.1.2
# Argo Rollouts' controller and kubectl plugin: a wrapper module (tools/argo-rollouts) repeating its k8s.io
# replaces, built with $ARGOCD_GO (v1.10.2 needs go 1.26.10); its CRDs are copied for bootstrap to apply.
ROLLOUTS_VERSION=v1.10.2
share="$root/.tools/share"

only=${1:-all}

need() { # name pin -> true when .tools/bin/name is missing or built from another pin
  [ -x "$bin/$1" ] && [ "$(cat "$bin/.$1.pin" 2>/dev/null)" = "$2" ] && return 1
  return 0
}

stamp() { printf '%s' "$2" > "$bin/.$1.pin"; }

timed() { # label command... : runs a build step with its output in a log, reporting the time it took
  local label=$1; shift
  local start=$SECONDS
  echo "==> building $label (log: .tools/logs/$label.log)"
  if ! "$@" > "$logs/$label.log" 2>&1; then
    echo "!! building $label failed; last lines of .tools/logs/$label.log:" >&2
    tail -n 20 "$logs/$label.log" >&2
    exit 1
  fi
  echo "    $label built in $((SECONDS - start))s"
}

go_install() { GOBIN="$bin" go install -ldflags "-s -w" "$1"; }

build_temporal() {
  if need temporal "$TEMPORAL_CLI"; then
    timed temporal go_install "$TEMPORAL_CLI"
    stamp temporal "$TEMPORAL_CLI"
  else
    echo "==> temporal up to date ($TEMPORAL_CLI)"
  fi
}

build_kwok() {
  if need kwok "$KWOK"; then
    timed kwok go_install "$KWOK"
    stamp kwok "$KWOK"
  else
    echo "==> kwok up to date ($KWOK)"
  fi
}

kubernetes_build() {
  local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  cd "$root/tools/kubernetes"
  go build -ldflags "$ldflags" -o "$bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  go build -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3
}

build_kubernetes() {
  local pin
  pin="$KUBERNETES_VERSION $(sha256sum "$root/tools/kubernetes/go.sum" | cut -c1-16)"
  local missing=0
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd; do
    need "$b" "$pin" && missing=1
  done
  if [ $missing = 1 ]; then
    timed kubernetes kubernetes_build
    for b in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd; do stamp "$b" "$pin"; done
  else
    echo "==> kubernetes $KUBERNETES_VERSION and etcd up to date"
  fi
}

argocd_build() {
  local pkg=github.com/argoproj/argo-cd/v3/common kubectl
  cd "$root/tools/argocd"
  kubectl=$(GOTOOLCHAIN=$ARGOCD_GO go list -m -f '{{with .Replace}}{{.Version}}{{end}}' k8s.io/client-go)
  # The module zip carries no commit: the version reads as the tag, the commit as "unknown".
  local ldflags="-s -w -X $pkg.version=${ARGOCD_VERSION#v} -X $pkg.gitTag=$ARGOCD_VERSION -X $pkg.gitCommit=unknown"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.kubectlVersion=$kubectl -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  GOTOOLCHAIN=$ARGOCD_GO go build -ldflags "$ldflags" -o "$bin/argocd" github.com/argoproj/argo-cd/v3/cmd
}

build_argocd() { # one multi-call binary: argocd-server, argocd-repo-server, ... via argv[0] or ARGOCD_BINARY_NAME
  local pin
  pin="$ARGOCD_VERSION $(sha256sum "$root/tools/argocd/go.sum" | cut -c1-16)"
  if need argocd "$pin"; then
    timed argocd argocd_build
    stamp argocd "$pin"
  else
    echo "==> argocd $ARGOCD_VERSION up to date"
  fi
}

build_helm() {
  if need helm "$HELM"; then
    # Without the stamp, helm reports v4.3 (its version package's default) rather than the release.
    timed helm env GOBIN="$bin" go install -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=${HELM##*@}" "$HELM"
    stamp helm "$HELM"
  else
    echo "==> helm up to date ($HELM)"
  fi
}

kustomize_build() {
  cd "$root/tools/kustomize"
  GOTOOLCHAIN=$ARGOCD_GO go build -ldflags "-s -w" -o "$bin/kustomize" sigs.k8s.io/kustomize/kustomize/v5
}

build_kustomize() {
  local pin
  pin="$KUSTOMIZE_VERSION $(sha256sum "$root/tools/kustomize/go.sum" | cut -c1-16)"
  if need kustomize "$pin"; then
    timed kustomize kustomize_build
    stamp kustomize "$pin"
  else
    echo "==> kustomize $KUSTOMIZE_VERSION up to date"
  fi
}

build_registry() {
  if need registry "$REGISTRY"; then
    timed registry go_install "$REGISTRY"
    stamp registry "$REGISTRY"
  else
    echo "==> registry up to date ($REGISTRY)"
  fi
}

rollouts_build() {
  local pkg=github.com/argoproj/argo-rollouts/utils/version module
  cd "$root/tools/argo-rollouts"
  # The module zip carries no commit: the version reads as the tag, the commit as "unknown".
  local ldflags="-s -w -X $pkg.version=${ROLLOUTS_VERSION#v} -X $pkg.gitTag=$ROLLOUTS_VERSION -X $pkg.gitCommit=unknown"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  GOTOOLCHAIN=$ARGOCD_GO go build -ldflags "$ldflags" -o "$bin/" \
    github.com/argoproj/argo-rollouts/cmd/rollouts-controller github.com/argoproj/argo-rollouts/cmd/kubectl-argo-rollouts
  # Only after the build has fetched the module: on a fresh machine its folder does not exist before.
  module=$(GOTOOLCHAIN=$ARGOCD_GO go list -m -f '{{.Dir}}' github.com/argoproj/argo-rollouts)
  rm -rf "$share/argo-rollouts/crds" && mkdir -p "$share/argo-rollouts/crds"
  cp "$module"/manifests/crds/*-crd.yaml "$share/argo-rollouts/crds/"
  chmod u+w "$share/argo-rollouts/crds"/*
}

build_rollouts() {
  local pin missing=0
  pin="$ROLLOUTS_VERSION $(sha256sum "$root/tools/argo-rollouts/go.sum" | cut -c1-16)"
  for b in rollouts-controller kubectl-argo-rollouts; do need "$b" "$pin" && missing=1; done
  [ -f "$share/argo-rollouts/crds/rollout-crd.yaml" ] || missing=1
  if [ $missing = 1 ]; then
    timed rollouts rollouts_build
    for b in rollouts-controller kubectl-argo-rollouts; do stamp "$b" "$pin"; done
  else
    echo "==> argo-rollouts $ROLLOUTS_VERSION up to date"
  fi
}

case "$only" in
  all) build_temporal; build_kubernetes; build_kwok; build_argocd; build_helm; build_kustomize; build_registry; build_rollouts ;;
  temporal) build_temporal ;;
  kubernetes) build_kubernetes ;;
  kwok) build_kwok ;;
  argocd) build_argocd ;;
  helm) build_helm ;;
  kustomize) build_kustomize ;;
  registry) build_registry ;;
  rollouts) build_rollouts ;;
  *) echo "usage: $0 [all|temporal|kubernetes|kwok|argocd|helm|kustomize|registry|rollouts]" >&2; exit 2 ;;
esac
