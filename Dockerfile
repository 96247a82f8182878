# syntax=docker/dockerfile:1
# One image for all five services (and the dev OIDC issuer): SERVICE picks which one runs.
# Build:  docker build --build-arg SERVICE=session-ledger -t tutoring/session-ledger .
# The TypeScript is compiled to JavaScript in the build (libs/shared/dev-stack/src/compile.js) and runs without SWC:
# docs/adr/0029-container-runs-precompiled-javascript.md.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- dependencies: the production tree only, which the runtime ships (no compiler, no embedded PostgreSQL) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# ---- build: every dependency (the compiler @swc/core is a development one), then the sources compiled to
#      JavaScript in /out (a code change does not invalidate the dependency layers) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY tools/dev tools/dev
COPY libs libs
COPY apps apps
# Tests and their child-process fixtures (*.child.ts) are neither compiled nor shipped.
RUN node libs/shared/dev-stack/src/compile.js /out && cp package.json /out/

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HOST=0.0.0.0
# Fixed uid/gid so Kubernetes runAsUser / fsGroup can name them; no shell, no home.
RUN groupadd --system --gid 10001 tutoring \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin tutoring
WORKDIR /app
# Everything is owned by root and read-only for the service user: the app never writes its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /out ./
USER 10001:10001
EXPOSE 3001 3002 3003 3004 3005
# Liveness only (readiness depends on Postgres and Kafka and belongs to the orchestrator). Node 20 has fetch; no curl here.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec: node becomes PID 1 and receives SIGTERM itself, so graceful shutdown (finish batch, commit, leave group) runs.
CMD ["sh", "-c", "test -n \"$SERVICE\" || { echo 'SERVICE is not set (build-arg or env)' >&2; exit 64; }; exec node \"apps/$SERVICE/src/main.js\""]
