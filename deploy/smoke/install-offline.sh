#!/usr/bin/env bash
# Checks that `npm ci` on a fresh clone reaches nothing but the npm registry, with npm 10 (what
# Node 20 and 22 ship, which runs every dependency install script) or another npm, and that the
# clone then works: the models are built, the app compiles, starts and recognises a photo.
# Every Node process of the install records its connections (net-recorder.cjs).
# Usage: deploy/smoke/install-offline.sh [npm version, default 10]   (commit first: it clones HEAD)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
npm_version="${1:-10}"
work="$(mktemp -d)"
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

git clone -q "$repo" "$work/clone"
cd "$work/clone"
registry_host="$(node -e "console.log(new URL(process.argv[1]).hostname)" "$(npm config get registry)")"
record="$work/connections.tsv"
touch "$record"
echo "== npx npm@$npm_version ci in $work/clone"
NET_RECORD="$record" NODE_OPTIONS="--require $repo/deploy/smoke/net-recorder.cjs" \
  npx -y "npm@$npm_version" ci --no-audit --no-fund --foreground-scripts > "$work/install.log" 2>&1 \
  || { tail -30 "$work/install.log"; echo "FAIL npm ci"; exit 1; }
echo "npm $(npx -y "npm@$npm_version" --version) installed; hosts contacted:"
cut -f2 "$record" | sed -E 's/^(dns|connect) //; s/:[0-9]+$//' | sort | uniq -c
others="$(cut -f2 "$record" | sed -E 's/^(dns|connect) //; s/:[0-9]+$//' | sort -u | grep -vxF -e "$registry_host" -e 127.0.0.1 -e localhost || true)"
if [ -n "$others" ]; then
  echo "FAIL contacted besides $registry_host:"; grep -F "$others" "$record" | sort -u; exit 1
fi
[ ! -e node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so ] || { echo "FAIL CUDA provider installed"; exit 1; }

echo "== the clone works"
ls model_repository/*/config.pbtxt
npm run build --silent
port=18180
PORT=$port DATA_DIR="$work/data" node dist/src/main.js > "$work/app.log" 2>&1 & app_pid=$!
for _ in $(seq 1 90); do curl -sf "localhost:$port/health/ready" > /dev/null && break; sleep 1; done
status="$(curl -s -o /dev/null -w '%{http_code}' -F image=@node_modules/@vladmandic/face-api/demo/sample2.jpg "localhost:$port/api/v1/recognise_user")"
[ "$status" = 200 ] || { tail -20 "$work/app.log"; echo "FAIL recognise_user -> $status"; exit 1; }
echo "ok   npm@$npm_version ci downloaded only from $registry_host; the app recognises (200)"
