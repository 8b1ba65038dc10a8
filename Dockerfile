# The Baton worker and CLI: the compiled code (dist/) with the workflow bundle the worker loads, the
# playbooks and the manifests. The sources and the build tools stay in the build stage.

FROM node:20.19.5-bookworm-slim AS build
WORKDIR /opt/baton
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts/build.js ./scripts/
COPY src ./src
# tsc to dist/, then the workflow bundle (dist/workflow-bundle.js), so the worker starts without webpack.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20.19.5-bookworm-slim
# The bootstrap zone runs ansible-playbook with kubernetes.core (part of Debian's ansible) and
# its Python client; the versions are those the bootstrap tests run against.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ansible python3-kubernetes ca-certificates \
  && rm -rf /var/lib/apt/lists/*
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
# The node image's unprivileged user (uid 1000); ansible keeps its temporary files in its home.
USER node
ENTRYPOINT ["node", "bin/baton.js"]
CMD ["worker"]
