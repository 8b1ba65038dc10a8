#!/usr/bin/env bash
# Installs what Baton takes from Debian's packages where it is missing: git (the sandbox's stack
# sources), redis-server (Argo CD's cache in the sandbox), ansible (which bundles the kubernetes.core
# collection), python3-kubernetes and ansible-lint (the bootstrap layer), podman, buildah, runc and
# mmdebstrap (the worker image, built and run offline by scripts/build-image.sh), and chromium (the web
# view's browser tests, driven by playwright-core). Idempotent; silent when everything is present.
set -euo pipefail

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
command -v ansible-lint >/dev/null 2>&1 || missing+=(ansible-lint)
/usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1 || missing+=(python3-kubernetes)
[ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
for tool in podman buildah runc mmdebstrap; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> Debian packages present (git, redis-server, ansible, ansible-lint, python3-kubernetes, podman, buildah, runc, mmdebstrap, chromium)"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "==> installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
