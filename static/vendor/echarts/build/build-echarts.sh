#!/bin/sh
# Rebuild static/vendor/echarts/echarts.min.js, a trimmed ECharts 5.6.0 (the parts entry.js
# names), and its LICENSE. Needs node and npm; builds in a temporary directory outside the
# repository and writes only those two files.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/.."
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
echo '{"name": "qingling-echarts-build", "private": true}' > package.json
npm install --no-audit --no-fund echarts@5.6.0 esbuild@0.28.2 >/dev/null
cp "$HERE/entry.js" entry.js
npx esbuild entry.js --bundle --minify --format=iife --target=es2017 \
    --legal-comments=none --outfile="$OUT/echarts.min.js"
cp node_modules/echarts/LICENSE "$OUT/LICENSE"
ls -l "$OUT/echarts.min.js"
