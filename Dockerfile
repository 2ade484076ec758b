# syntax=docker/dockerfile:1.7
# Hotfix Commander: build on Node 24 LTS, run as a non-root user, migrations
# applied at start (under an advisory lock, so replicas may start together).
#
# The emulators under packages/ are dev-only npm workspaces: the build stage
# has them (the `hotfix demo` module imports their types; tsc does not emit
# them), the runtime image never does. Its node_modules come from a separate
# production install that sees no packages/ folder and ignores workspaces.

FROM node:24-bookworm-slim AS base
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./

FROM base AS build
COPY packages ./packages
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM base AS prod-deps
RUN npm ci --omit=dev --workspaces=false --no-audit --no-fund \
  && test ! -e node_modules/@hotfix

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production LOG_FORMAT=json PORT=3000
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini curl \
  && rm -rf /var/lib/apt/lists/*
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/package.json ./package.json
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
# tini forwards SIGTERM so the bot drains requests and jobs before exiting.
ENTRYPOINT ["/usr/bin/tini", "--"]
# `migrate` first, explicitly, so a failed migration stops the container with
# its own message; `start` would apply them too.
CMD ["sh", "-c", "node dist/src/cli.js migrate && exec node dist/src/cli.js start"]
