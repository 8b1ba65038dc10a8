# The Baton worker and CLI. The TypeScript sources run through tsx (a runtime dependency),
# so there is no compile step: the image carries the sources, the playbooks and the manifests.

FROM node:20.19.5-bookworm-slim AS build
WORKDIR /opt/baton
COPY package.json package-lock.json ./
# Runtime dependencies only: tsx runs the sources; the checks run before an image is built.
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY ansible ./ansible
COPY manifests ./manifests

FROM node:20.19.5-bookworm-slim
# The bootstrap zone runs ansible-playbook with kubernetes.core (part of Debian's ansible) and
# its Python client; the versions are those the bootstrap tests run against.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ansible python3-kubernetes ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /opt/baton
# Owned by root: the worker reads its code and playbooks but cannot change them.
COPY --from=build /opt/baton ./
# The node image's unprivileged user (uid 1000); ansible keeps its temporary files in its home.
USER node
ENTRYPOINT ["node", "bin/baton.js"]
CMD ["worker"]
