# syntax=docker/dockerfile:1

# ---- Stage 1: install every dependency, compile TypeScript, then drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Toolchain for any native module that has to fall back to a source build (node-gyp).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

# Lock file first so the dependency layer is cached until package*.json changes.
COPY package.json package-lock.json ./
RUN npm ci

COPY . .
RUN npm run build \
  && npm prune --omit=dev

# ---- Stage 2: runtime image with production dependencies and compiled output only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Code stays root-owned (read-only to the app); only the data directory is writable by `node`.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The media volume (MEDIA_DIR in docker-compose.yml) mounts here: it must belong to `node` too.
RUN mkdir -p /app/.chorus /var/lib/chorus/media && chown node:node /app/.chorus /var/lib/chorus/media

USER node
EXPOSE 3000

# API by default; the worker runs `node --max-old-space-size=256 dist/workers/main.js` (set by docker-compose.yml).
CMD ["node", "dist/api/main.js"]
