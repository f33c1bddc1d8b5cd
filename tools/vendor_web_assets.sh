#!/usr/bin/env bash
# Refresh tools/web_assets/ (the reveal.js and KaTeX files that slides and the site serve locally,
# so nothing is fetched from a CDN in a classroom). Needs npm and the npm registry; run it only to
# change versions, then commit the result. `make slides` and `make site` need neither npm nor network.
set -euo pipefail
REVEAL=5.2.1   # reveal.js, MIT
KATEX=0.16.47  # KaTeX, MIT
OUT="$(cd "$(dirname "$0")" && pwd)/web_assets"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent "reveal.js@$REVEAL" "katex@$KATEX" >/dev/null
mkdir reveal katex
tar xzf "reveal.js-$REVEAL.tgz" -C reveal
tar xzf "katex-$KATEX.tgz" -C katex
rm -rf "$OUT/reveal.js" "$OUT/katex"
mkdir -p "$OUT/reveal.js/dist/theme" "$OUT/reveal.js/plugin/notes" "$OUT/katex/contrib" "$OUT/katex/fonts"
R=reveal/package
cp "$R/LICENSE" "$OUT/reveal.js/"
cp "$R/dist/reveal.js" "$R/dist/reveal.css" "$OUT/reveal.js/dist/"
cp "$R/plugin/notes/notes.js" "$OUT/reveal.js/plugin/notes/"
# The white theme imports a 1.8 MB web font; drop that line and use the system's sans-serif.
grep -v '^@import url(./fonts/' "$R/dist/theme/white.css" > "$OUT/reveal.js/dist/theme/white.css"
K=katex/package
cp "$K/LICENSE" "$OUT/katex/"
cp "$K/dist/katex.min.js" "$K/dist/katex.min.css" "$OUT/katex/"
cp "$K/dist/contrib/auto-render.min.js" "$OUT/katex/contrib/"
cp "$K"/dist/fonts/*.woff2 "$OUT/katex/fonts/"   # every browser in use reads woff2
(cd "$OUT" && find reveal.js katex -type f | sort | xargs sha256sum > SHA256SUMS)
echo "reveal.js $REVEAL and KaTeX $KATEX copied into $OUT"
