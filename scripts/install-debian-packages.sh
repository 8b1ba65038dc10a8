#!/usr/bin/env bash
# Installs what Baton takes from Debian's packages where it is missing: git (the sandbox's stack
# sources), redis-server (Argo CD's cache in the sandbox), ansible (which bundles the kubernetes.core
# collection), python3-kubernetes and ansible-lint (the bootstrap layer). Idempotent; silent when
# everything is present.
set -euo pipefail

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
command -v ansible-lint >/dev/null 2>&1 || missing+=(ansible-lint)
/usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1 || missing+=(python3-kubernetes)
if [ ${#missing[@]} -eq 0 ]; then
  echo "==> Debian packages present (git, redis-server, ansible, ansible-lint, python3-kubernetes)"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "==> installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
