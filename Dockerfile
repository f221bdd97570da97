# GridHub hub image: API, embedded MQTT broker, the built map UI. Used by docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY contracts/package.json contracts/
COPY client/package.json client/
COPY ingest/package.json ingest/
COPY gridops/package.json gridops/
COPY hub/package.json hub/
COPY map-ui/package.json map-ui/
COPY simulators/package.json simulators/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /var/lib/gridhub && chown node:node /var/lib/gridhub
USER node
ENV GRIDHUB_DATA_DIR=/var/lib/gridhub HTTP_PORT=8080 MQTT_PORT=1883
EXPOSE 8080 1883
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:8080/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A 64 MB young generation (semi-space): under sustained ingest the default made garbage collection a quarter of
# the hub's busy time (bench/README.md).
CMD ["node", "--max-semi-space-size=64", "hub/dist/main.js"]
