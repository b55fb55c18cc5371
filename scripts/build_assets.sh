#!/usr/bin/env bash
# Rebuild the vendored front-end files under core/static/govuk/ and the axe-core
# copy used by the browser tests. The outputs are committed, so running the app
# never needs Node; run this (or `make assets`) after changing package.json or
# assets/scss/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

GOVUK_VERSION="6.3.0"
GOVUK_DIST="node_modules/govuk-frontend/dist/govuk"
OUT="core/static/govuk"
AXE_OUT="tests/e2e/vendor"

# Exact versions from package-lock.json; no install scripts are needed.
npm ci --ignore-scripts --no-audit --no-fund

installed="$(node -p "require('./node_modules/govuk-frontend/package.json').version")"
if [[ "$installed" != "$GOVUK_VERSION" ]]; then
  echo "govuk-frontend $installed installed, expected $GOVUK_VERSION" >&2
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT/assets" "$AXE_OUT"

# Stylesheet: GOV.UK Frontend compiled with the non-GOV.UK font settings.
npx --no-install sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  assets/scss/app.scss "$OUT/app.min.css"

# JavaScript (an ES module; loaded with <script type="module">).
cp "$GOVUK_DIST/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"

# Images (and the manifest when present). The GDS Transport fonts are not
# copied: this service uses Arial/Helvetica.
cp -R "$GOVUK_DIST/assets/images" "$OUT/assets/images"
if [[ -f "$GOVUK_DIST/assets/manifest.json" ]]; then
  cp "$GOVUK_DIST/assets/manifest.json" "$OUT/assets/manifest.json"
fi

printf '%s\n' "$GOVUK_VERSION" > "$OUT/VERSION"

# Accessibility checker for the browser tests.
cp node_modules/axe-core/axe.min.js "$AXE_OUT/axe.min.js"

echo "Built $OUT (govuk-frontend $GOVUK_VERSION) and $AXE_OUT/axe.min.js"
