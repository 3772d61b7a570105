#!/usr/bin/env bash
# Rebuilds static/vendor/govuk-frontend/ from the npm registry (run by hand when upgrading;
# the output is committed, so neither the app nor CI needs node). GOV.UK Frontend is compiled
# with the system font stack: the GDS Transport typeface is licensed to GOV.UK services only.
set -euo pipefail
VERSION="${1:-6.6.0}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "govuk-frontend@$VERSION" sass@1 >/dev/null
cp "$here/sdp-govuk.scss" .
npx sass --no-source-map --style=compressed --load-path=node_modules sdp-govuk.scss govuk-frontend.min.css
out="$here/govuk-frontend"
rm -rf "$out" && mkdir -p "$out"
cp govuk-frontend.min.css "$out/"
cp node_modules/govuk-frontend/package.json "$out/package.json"
cp "$here/LICENSE-govuk-frontend.txt" "$out/LICENSE.txt"
echo "govuk-frontend $VERSION compiled into $out"
