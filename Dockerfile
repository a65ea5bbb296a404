# Worker image of the ECS fleet (template.yaml, DeployEcsFleet=true); also runs anywhere with
# `docker run --init -p 9000:9000 -e SERVER_URL=… -e API_KEY=… IMAGE`.
# Debian's Chromium is used instead of the @sparticuz/chromium archive (built for Lambda's
# Amazon Linux): apt keeps it patched, and it brings the shared libraries it needs.

# Production dependencies only. Build tools are here in case better-sqlite3 has no prebuilt
# binary for this platform and must be compiled; they do not reach the final image.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

# The esbuild build needs the dev dependencies (esbuild itself, the type packages).
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:22-bookworm-slim
# Fonts: Latin (Liberation is metric-compatible with Arial/Times/Courier, which pages name),
# CJK and emoji, so screenshots and text layout match what a desktop browser shows.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      chromium ca-certificates \
      fonts-liberation fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium \
    DEPLOYMENT=prod \
    EMBEDDED_CONTROL_PLANE=off \
    CHILD_PORT_OFFSET=9000 \
    DATA_DIR=/app/.data \
    MALLOC_TRIM_THRESHOLD_=131072 \
    MALLOC_MMAP_THRESHOLD_=32768
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The worker writes its outbox under DATA_DIR and task folders under /tmp; nothing else.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 9000
# ECS ignores this (the task definition has its own health check); plain Docker uses it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The worker must not be PID 1 without an init (a crashed Chromium's helpers are reparented to
# PID 1, which must reap them): ECS sets InitProcessEnabled, `docker run` needs --init.
# Memory: see infra/memory-tuning.ts (the MALLOC_ settings above, the V8 flag here).
CMD ["node", "--max-semi-space-size=2", "dist/infra/local/main.js", "--ecs", "--host", "0.0.0.0"]
