# A trainctl worker (or CLI) image for the team set-up in docker-compose.temporal.yml.
# Build: docker build -t trainctl .    Run: docker run --rm -e TEMPORAL_ADDRESS=temporal:7233 trainctl worker
# The image carries the pinned native libraries (libxgboost from the xgboost-cpu wheel, lib_lightgbm
# from the lightgbm wheel, both --no-deps) in /app/.venv exactly as `npm start` installs them.
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv libgomp1 ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# Installs what npm skips (the polars binding), the pinned .venv runtime and builds dist/.
RUN node scripts/setup.mjs && rm -rf /root/.cache /root/.npm && mkdir -p /data && chown node:node /data

# Every artefact goes to the shared store (TRAINCTL_ARTIFACTS=s3://…); /data is scratch only.
ENV TRAINCTL_HOME=/data NODE_ENV=production UV_THREADPOOL_SIZE=1
VOLUME ["/data"]
USER node
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/trainctl.mjs"]
CMD ["worker"]
