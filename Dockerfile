# The Baton worker and CLI: the compiled code (dist/) with the workflow bundle the worker loads, the
# playbooks and the manifests. The sources and the build tools stay in the build stage.
#
# BASE_IMAGE is any image with Node 20, npm and an unprivileged user `node` (uid 1000): by default the
# official node image (`docker build .`); scripts/build-image.sh builds one offline from Debian's
# packages, which already holds ansible, python3-kubernetes and git (docs/container.md).
ARG BASE_IMAGE=node:20.19.5-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /opt/baton
COPY package.json package-lock.json ./
# --prefer-offline: served from npm's cache when one is mounted at /root/.npm (scripts/build-image.sh).
RUN npm ci --prefer-offline --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts/build.js ./scripts/
COPY src ./src
# tsc to dist/, then the workflow bundle (dist/workflow-bundle.js), so the worker starts without webpack.
RUN npm run build && npm prune --omit=dev --prefer-offline --no-audit --no-fund

FROM ${BASE_IMAGE}
# The bootstrap zone runs ansible-playbook with kubernetes.core (part of Debian's ansible) and its
# Python client; the versions are those the bootstrap tests run against. Installed when the base lacks them.
RUN if command -v ansible-playbook >/dev/null && command -v git >/dev/null && python3 -c 'import kubernetes' 2>/dev/null; then :; else \
    apt-get update \
    && apt-get install -y --no-install-recommends ansible python3-kubernetes git ca-certificates \
    && rm -rf /var/lib/apt/lists/*; fi
ENV NODE_ENV=production
WORKDIR /opt/baton
# Owned by root: the worker reads its code and playbooks but cannot change them. Without src/,
# bin/baton.js runs dist/ as it is.
COPY --from=build /opt/baton/package.json ./
COPY --from=build /opt/baton/node_modules ./node_modules
COPY --from=build /opt/baton/bin ./bin
COPY --from=build /opt/baton/dist ./dist
COPY ansible ./ansible
COPY manifests ./manifests
RUN ln -s /opt/baton/bin/baton.js /usr/local/bin/baton
# The unprivileged user of the base (uid 1000); ansible keeps its temporary files in its home.
USER node
ENTRYPOINT ["baton"]
CMD ["worker"]
