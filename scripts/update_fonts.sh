#!/usr/bin/env bash
# Refresh the self-hosted web fonts in templates/assets/fonts/ from the Fontsource packages on the
# npm registry. Run by hand (bash scripts/update_fonts.sh), never by the build: the woff2 files, the
# licence and the README it writes are committed, so building the site needs no network.
#
#   "Archive Naskh" = @fontsource/noto-naskh-arabic, subset "arabic", weights 400 and 700
#   "Archive Latin" = @fontsource/noto-serif,        subsets "latin" and "latin-ext", weights 400 and 700
#
# Fontsource's per-subset files are cut by unicode-range only; every OpenType layout feature (the
# Arabic joining forms init/medi/fina, rlig/liga, mark/mkmk positioning) stays in the Arabic file.
# tests/test_fonts.py checks that whenever fontTools is importable.
#
# The packages are fetched with `npm pack` (a plain tarball download checked against the registry's
# integrity hash; no install scripts run) into a temporary folder that is removed afterwards.
# To move to a new version: change the versions below, run this script, compare the unicode-range
# lines it prints with templates/assets/fonts.css, rebuild and look at a page, then commit.
set -euo pipefail
cd "$(dirname "$0")/.."

NASKH_PACKAGE="@fontsource/noto-naskh-arabic"
NASKH_VERSION="5.3.0"
LATIN_PACKAGE="@fontsource/noto-serif"
LATIN_VERSION="5.3.0"

# Exactly the files fonts.css uses: "<package dir>:<file name>".
FILES=(
  "naskh:noto-naskh-arabic-arabic-400-normal.woff2"
  "naskh:noto-naskh-arabic-arabic-700-normal.woff2"
  "latin:noto-serif-latin-400-normal.woff2"
  "latin:noto-serif-latin-700-normal.woff2"
  "latin:noto-serif-latin-ext-400-normal.woff2"
  "latin:noto-serif-latin-ext-700-normal.woff2"
)

DEST=templates/assets/fonts
command -v npm >/dev/null 2>&1 || { echo "update_fonts.sh: npm is needed (apt-get install npm)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetch() {  # fetch NAME PACKAGE VERSION -> unpacked into $tmp/NAME/package
  local name="$1" package="$2" version="$3" tarball
  mkdir -p "$tmp/$name"
  tarball="$(npm pack --silent --pack-destination "$tmp/$name" "$package@$version" | tail -n 1)"
  tar -xzf "$tmp/$name/$tarball" -C "$tmp/$name"
  local got
  got="$(node -p "require('$tmp/$name/package/package.json').version")"
  if [ "$got" != "$version" ]; then
    echo "update_fonts.sh: $package: asked for $version, got $got" >&2
    exit 1
  fi
}

fetch naskh "$NASKH_PACKAGE" "$NASKH_VERSION"
fetch latin "$LATIN_PACKAGE" "$LATIN_VERSION"

mkdir -p "$DEST"
# Remove woff2 files that are no longer part of the list, then copy the listed ones.
wanted=" "
for entry in "${FILES[@]}"; do wanted+="${entry#*:} "; done
for old in "$DEST"/*.woff2; do
  [ -e "$old" ] || continue
  case "$wanted" in *" $(basename "$old") "*) ;; *) rm -f "$old"; echo "removed $old" ;; esac
done
for entry in "${FILES[@]}"; do
  pkg="${entry%%:*}" file="${entry#*:}"
  src="$tmp/$pkg/package/files/$file"
  [ -f "$src" ] || { echo "update_fonts.sh: $file is missing from the $pkg package" >&2; exit 1; }
  [ "$(head -c 4 "$src")" = "wOF2" ] || { echo "update_fonts.sh: $file is not a woff2 file" >&2; exit 1; }
  cp "$src" "$DEST/$file"
done

# One OFL.txt for both families: their licences are the same SIL OFL 1.1 text and differ only in the
# copyright line; stop if that ever changes, so that nobody ships a licence that is not the real one.
if ! diff -q <(tail -n +2 "$tmp/naskh/package/LICENSE") <(tail -n +2 "$tmp/latin/package/LICENSE") >/dev/null; then
  echo "update_fonts.sh: the two packages' LICENSE texts differ beyond their copyright line; merge OFL.txt by hand" >&2
  exit 1
fi
grep -q "SIL OPEN FONT LICENSE Version 1.1" "$tmp/naskh/package/LICENSE" \
  || { echo "update_fonts.sh: $NASKH_PACKAGE is no longer under the SIL OFL 1.1" >&2; exit 1; }
{
  echo "Noto Naskh Arabic (files noto-naskh-arabic-*):"
  head -n 1 "$tmp/naskh/package/LICENSE"
  echo "Noto Serif (files noto-serif-*):"
  head -n 1 "$tmp/latin/package/LICENSE"
  tail -n +2 "$tmp/naskh/package/LICENSE"
} > "$DEST/OFL.txt"

{
  cat <<EOF
# Self-hosted fonts

Written by \`scripts/update_fonts.sh\`; do not edit by hand (run the script again instead).
The files are used by \`../fonts.css\` and licensed under the SIL Open Font License 1.1 (\`OFL.txt\`).

| CSS family | Font | npm package | Subsets | Weights |
| --- | --- | --- | --- | --- |
| \`Archive Naskh\` | Noto Naskh Arabic ($(node -p "require('$tmp/naskh/package/metadata.json').version") from Google Fonts) | \`$NASKH_PACKAGE@$NASKH_VERSION\` | arabic | 400, 700 |
| \`Archive Latin\` | Noto Serif ($(node -p "require('$tmp/latin/package/metadata.json').version") from Google Fonts) | \`$LATIN_PACKAGE@$LATIN_VERSION\` | latin, latin-ext | 400, 700 |

The files are copied unchanged from the packages' \`files/\` folders. Fontsource splits each font
by unicode-range only, so the Arabic files keep all their OpenType layout features (GSUB \`init\`,
\`medi\`, \`fina\`, \`rlig\`, \`liga\`, GPOS \`mark\`, \`mkmk\`). Noto Naskh Arabic's own Latin glyphs
are Noto Serif's, which is why Noto Serif is the Latin companion.

| File | Bytes | SHA-256 |
| --- | ---: | --- |
EOF
  for entry in "${FILES[@]}"; do
    file="${entry#*:}"
    printf '| `%s` | %s | `%s` |\n' "$file" "$(wc -c < "$DEST/$file" | tr -d ' ')" "$(sha256sum "$DEST/$file" | cut -d' ' -f1)"
  done
} > "$DEST/README.md"

echo "Fonts written to $DEST:"
ls -l "$DEST"
echo
echo "Upstream unicode-range of each subset (compare with templates/assets/fonts.css):"
node -e "
const n = require('$tmp/naskh/package/unicode.json'), l = require('$tmp/latin/package/unicode.json');
console.log('  Archive Naskh arabic   :', n['arabic']);
console.log('  Archive Latin latin    :', l['latin']);
console.log('  Archive Latin latin-ext:', l['latin-ext']);
"
