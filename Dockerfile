# carepath's services (journey worker, Kafka bridge, coordinator API) for docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
CMD ["node", "lib/workers/production-entry.js"]
