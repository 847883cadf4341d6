#!/usr/bin/env bash
# `npm run image:size`: rehearses the image's runtime stage (rehearse-runtime.sh) in a temporary
# folder and prints the size of its node_modules, the image layer that `npm ci` makes, measured
# with `du -sh` as the target is stated: at most 350 MB. Exits 1 above the target.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/rehearse-runtime.sh" "$work" >&2
size_mb=$(du -sm "$work/node_modules" | cut -f1)
echo "runtime node_modules: $(du -sh "$work/node_modules" | cut -f1) (${size_mb} MiB; target <= 350 MB)"
echo "largest:"
(cd "$work/node_modules" && du -sm -- * @*/* 2>/dev/null | sort -rn | head -8 | awk '{printf "  %5d MiB  %s\n", $1, $2}')
[ "$size_mb" -le 350 ]
