#!/usr/bin/env bash
# Installs the bootstrap layer's tools from Debian's packages where they are missing:
# ansible (which bundles the kubernetes.core collection), python3-kubernetes and ansible-lint.
# Idempotent and silent when everything is present.
set -euo pipefail

missing=()
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
command -v ansible-lint >/dev/null 2>&1 || missing+=(ansible-lint)
/usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1 || missing+=(python3-kubernetes)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "==> installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
