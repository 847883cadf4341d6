#!/usr/bin/env bash
# Rehearses the Dockerfile without a Docker engine. It lays out the build and runtime stages in a
# temporary folder, then runs the runtime stage the way the image would: production dependencies
# only, installed with --ignore-scripts and pruned (rehearse-runtime.sh); dist/, model_repository/,
# prisma/migrations and public/.
# The app runs with INFERENCE_BACKEND=triton against the KServe stand-in (test/support/serve-kserve.ts).
# It checks /health/live, /health/serving, /health/ready, and a recognise_user call while the
# stand-in is up, down, and up again.
# Needs: a built checkout (npm ci) and the npm registry or cache. Usage: deploy/smoke/runtime-layout.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
grpc_port=18001 http_port=18080
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo "== build stage in $work/build (npm ci outputs taken from the checkout)"
mkdir -p "$work/build"
cd "$repo"
cp package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json nest-cli.json "$work/build/"
cp -r prisma tools src model_repository "$work/build/"
find "$work/build/src" -name '*.spec.ts' -delete
ln -s "$repo/node_modules" "$work/build/node_modules"
(cd "$work/build" && npm run build --silent)

echo "== runtime stage in $work/runtime (pruned as the image is)"
"$repo/deploy/smoke/rehearse-runtime.sh" "$work/runtime" "$work/build/dist"
echo "runtime node_modules: $(du -sh "$work/runtime/node_modules" | cut -f1)"
cd "$work/runtime"
mkdir -p data

start_stand_in() {
  (cd "$repo" && exec node_modules/.bin/tsx test/support/serve-kserve.ts "$grpc_port") & stand_in=$!
  pids+=("$stand_in")
  # Polls rather than sleeps: on a busy machine a start takes several times longer.
  for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$grpc_port") 2>/dev/null && return; sleep 0.5; done
  echo "FAIL the KServe stand-in never listened"; exit 1
}
start_stand_in
env -i PATH="$PATH" HOME="$work" NODE_ENV=production PORT="$http_port" DATA_DIR="$work/runtime/data" \
  MODEL_REPOSITORY="$work/runtime/model_repository" INFERENCE_BACKEND=triton TRITON_GRPC_URL="127.0.0.1:$grpc_port" \
  node dist/src/main.js > "$work/app.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 180); do curl -sf -o /dev/null "localhost:$http_port/health/live" && break; sleep 0.5; done

photo="$repo/node_modules/@vladmandic/face-api/demo/sample2.jpg"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect() { if [ "$2" = "$3" ]; then echo "ok   $1 -> $3"; else echo "FAIL $1 -> $3, expected $2"; tail -20 "$work/app.log"; exit 1; fi; }
healthcheck() { PORT=$http_port node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && echo 200 || echo fail; }

expect "HEALTHCHECK command" 200 "$(healthcheck)"
expect "GET /health/serving" 200 "$(code "localhost:$http_port/health/serving")"
expect "GET /health/ready" 200 "$(code "localhost:$http_port/health/ready")"
expect "POST recognise_user" 200 "$(code -F image=@"$photo" "localhost:$http_port/api/v1/recognise_user")"
kill "$stand_in"; sleep 1
expect "recognise_user, Triton down" 503 "$(code -F image=@"$photo" "localhost:$http_port/api/v1/recognise_user")"
expect "GET /health/ready, Triton down" 503 "$(code "localhost:$http_port/health/ready")"
expect "GET /health/serving, Triton down" 200 "$(code "localhost:$http_port/health/serving")"
expect "GET /health/live, Triton down" 200 "$(code "localhost:$http_port/health/live")"
start_stand_in
# The app's gRPC channel reconnects with a backoff: it recovers by itself, within seconds.
for _ in $(seq 1 30); do back="$(code -F image=@"$photo" "localhost:$http_port/api/v1/recognise_user")"; [ "$back" = 200 ] && break; sleep 1; done
expect "recognise_user, Triton back" 200 "$back"
echo "runtime layout smoke test passed"
