#!/bin/sh
# Writes the same work as a bench corpus for Typst, for the comparison
# mode: every issue's articles (title, photos with captions, paragraphs)
# in A4 pages of 3 columns, Noto Serif 9.5 pt, one page break per issue.
# Usage: tests/bench/to_typst.sh CORPUS_DIR OUT.typ
set -eu
dir=$(cd "$1" && pwd)
out=$2
if [ -f "$dir/volume.yaml" ]; then
    manifests=$(sed -n 's/^  - //p' "$dir/volume.yaml")
else
    manifests=issue.yaml
fi
{
    echo '#set page(paper: "a4", margin: (x: 15mm, y: 18mm), columns: 3)'
    echo '#set columns(gutter: 5mm)'
    echo '#set text(font: "Noto Serif", size: 9.5pt, lang: "vi")'
    echo '#set par(justify: true, leading: 0.55em)'
    echo '#show heading: set text(font: "Noto Sans", size: 15pt)'
    first=1
    for m in $manifests; do
        [ "$first" = 1 ] || echo '#pagebreak()'
        first=0
        for a in $(sed -n 's/^  - //p' "$dir/$m"); do
            awk -v base="$(dirname "$dir/$a")" '
                function esc(s) { gsub(/[#*_`$<>@\\\[\]]/, "\\\\&", s); return s }
                NR == 1 && /^---/ { fm = 1; next }
                fm && /^---/ { fm = 0; next }
                fm && /^title:/ { t = $0; sub(/^title: *"?/, "", t); sub(/"$/, "", t); print "= " esc(t); next }
                fm && /^  - file:/ { f = $0; sub(/^  - file: */, "", f); img = base "/" f; next }
                fm && /^    caption:/ {
                    c = $0; sub(/^    caption: *"?/, "", c); sub(/"$/, "", c)
                    print "#figure(image(\"" img "\", width: 100%), caption: [" esc(c) "])"
                    next
                }
                fm { next }
                { s = esc($0); gsub(/\\\*\\\*/, "*", s); print s }' "$dir/$a"
        done
    done
} >"$out"
