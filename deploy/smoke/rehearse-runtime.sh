#!/usr/bin/env bash
# Lays out the Dockerfile's runtime stage in OUT without a Docker engine, with the same commands:
# package.json, package-lock.json and .npmrc; `npm ci --omit=dev --ignore-scripts`; then
# tools/image/prune-runtime-modules.mjs. With a compiled DIST (what `npm run build` writes to
# dist/), it also copies what the image copies from the build stage and the checkout: dist/,
# model_repository/, prisma/migrations/ and public/.
# Usage: deploy/smoke/rehearse-runtime.sh OUT [DIST]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1"
dist="${2:-}"
mkdir -p "$out"
cp "$repo/package.json" "$repo/package-lock.json" "$repo/.npmrc" "$out/"
(cd "$out" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error && node "$repo/tools/image/prune-runtime-modules.mjs")
if [ -n "$dist" ]; then
  cp -r "$dist" "$out/dist"
  cp -r "$repo/model_repository" "$out/model_repository"
  mkdir -p "$out/prisma" && cp -r "$repo/prisma/migrations" "$out/prisma/migrations"
  cp -r "$repo/public" "$out/public"
fi
