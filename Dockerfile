# carepath's services: one image for every role (README, "Running in production"). Node 24 LTS here;
# the machines that develop and test carepath run Node 20, the lowest `engines` allows.
ARG NODE_IMAGE=node:24-bookworm-slim

# Compiles the TypeScript and bundles the journey workflows into lib/ (npm run build), so workers
# load the bundle instead of bundling at every start.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# The production dependencies alone.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    CAREPATH_DATA_DIR=/data \
    CAREPATH_API_HOST=0.0.0.0 \
    CAREPATH_CODEC_HOST=0.0.0.0 \
    CAREPATH_HEALTH_HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only to the service; only the data dir (local mode's keys and tokens) is its own.
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY package.json ./
COPY programs/*.json ./programs/
RUN mkdir -p /data && chown node:node /data
USER node
# API, codec server, health listener (roles without the API).
EXPOSE 3000 8234 8235
# Asks /readyz of whichever listener the role has; starting takes seconds with the prebuilt bundle.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "lib/workers/healthcheck.js"]
# The role comes from CAREPATH_ROLE (default all), or `--role X` after the image name.
ENTRYPOINT ["node", "lib/workers/production-entry.js"]
