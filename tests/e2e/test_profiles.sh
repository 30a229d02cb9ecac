#!/bin/sh
# The three output profiles, read back from the PDFs: print (boxes, marks
# outside the trim, CMYK only), screen (trim-sized pages, RGB only, links,
# photos at screen resolution) and archive (PDF/A-1b per PDFBox Preflight,
# XMP agreeing with the Info dictionary).
# Usage: sh tests/e2e/test_profiles.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/profiles
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }
SAMPLE=examples/ban-tin-mau/issue.yaml
TW=538.58
TH=765.35

for p in print screen archive; do
    if "$BIN" build "$SAMPLE" --profile $p -o "$WD/$p.pdf" 2>"$WD/$p.err"; then
        qpdf --qdf --object-streams=disable "$WD/$p.pdf" "$WD/$p.qdf" 2>/dev/null
        ok "build-$p"
    else
        nok "build-$p" "$(head -2 "$WD/$p.err")"
    fi
done

# ---- print
pdfinfo -box -f 1 -l 99 "$WD/print.pdf" 2>/dev/null >"$WD/print.boxes"
bad=$(awk -v tw=$TW -v th=$TH '
    / MediaBox:/ { p = $2; mx0[p] = $4; my0[p] = $5; mx1[p] = $6; my1[p] = $7 }
    / BleedBox:/ { p = $2; bx0[p] = $4; by0[p] = $5; bx1[p] = $6; by1[p] = $7 }
    / TrimBox:/  { p = $2; tx0[p] = $4; ty0[p] = $5; tx1[p] = $6; ty1[p] = $7; n++ }
    END {
        if (n == 0) { print "no TrimBox"; exit }
        for (p in tx0) {
            if (!(p in bx0)) { print "page " p " has no BleedBox"; exit }
            if (tx1[p] - tx0[p] < tw - 0.5 || tx1[p] - tx0[p] > tw + 0.5 || ty1[p] - ty0[p] < th - 0.5 || ty1[p] - ty0[p] > th + 0.5) { print "page " p " trim is not 190 x 270 mm"; exit }
            # Bleed 3 mm around the trim, the sheet larger still for marks.
            if (tx0[p] - bx0[p] < 8.3 || tx0[p] - bx0[p] > 8.7 || by1[p] - ty1[p] < 8.3) { print "page " p " bleed is not 3 mm"; exit }
            if (bx0[p] - mx0[p] < 14 || my1[p] - by1[p] < 14) { print "page " p " leaves no room for marks"; exit }
        }
    }' "$WD/print.boxes")
[ -z "$bad" ] && ok print-boxes || nok print-boxes "$bad"

# Crop marks: stroked lines in every corner, outside the bleed box.
marks=$(mutool trace "$WD/print.pdf" 1 2>/dev/null | awk -v H="$(awk '/Page +1 MediaBox/ { print $7 }' "$WD/print.boxes")" \
        -v b0="$(awk '/Page +1 BleedBox/ { print $4 }' "$WD/print.boxes")" -v b1="$(awk '/Page +1 BleedBox/ { print $6 }' "$WD/print.boxes")" '
    function attr(s, n) { if (match(s, n "=\"[^\"]*\"")) return substr(s, RSTART + length(n) + 2, RLENGTH - length(n) - 3); return "" }
    /<stroke_path/ { inpath = 1; next }
    /<\/stroke_path>/ { inpath = 0 }
    inpath && /<(moveto|lineto) / { x = attr($0, "x") + 0; y = attr($0, "y") + 0
        # Outside the bleed box on both axes near a corner, in PDF space.
        if ((x < b0 - 0.5 || x > b1 + 0.5) || (y < b0 - 0.5 || y > H - b0 + 0.5)) out++ }
    END { print out + 0 }')
[ "$marks" -ge 16 ] && ok print-crop-marks || nok print-crop-marks "only $marks mark points outside the bleed"

# Everything the reader sees is inside the trim: words in device space.
pdftotext -bbox "$WD/print.pdf" - 2>/dev/null | awk -v b="$(awk '/Page +1 TrimBox/ { print $4 }' "$WD/print.boxes")" \
    -v w=$TW -v h=$TH '
    function attr(s, n) { if (match(s, n "=\"[^\"]*\"")) return substr(s, RSTART + length(n) + 2, RLENGTH - length(n) - 3); return "" }
    /<word / { x0 = attr($0, "xMin") + 0; y0 = attr($0, "yMin") + 0; x1 = attr($0, "xMax") + 0; y1 = attr($0, "yMax") + 0
        n++
        if (x0 < b || y0 < b || x1 > b + w || y1 > b + h) { print "word outside the trim"; exit } }
    END { if (n < 500) print "only " n " words" }' >"$WD/print.trim"
[ -s "$WD/print.trim" ] && nok print-text-in-trim "$(cat "$WD/print.trim")" || ok print-text-in-trim

# Colour: CMYK operators only (photos aside, which preflight reports).
rgbops=$(grep -a -c -E '(^| )(rg|RG)$' "$WD/print.qdf")
cmykops=$(grep -a -c -E '(^| )(k|K)$' "$WD/print.qdf")
[ "$rgbops" -eq 0 ] && [ "$cmykops" -gt 10 ] && ok print-cmyk-only || nok print-cmyk-only "$rgbops RGB and $cmykops CMYK colour operators"
# Black text is 100 % K, never rich black.
rich=$(grep -a -E '^[0-9.]+ [0-9.]+ [0-9.]+ 1 k$' "$WD/print.qdf" | grep -v -c '^0 0 0 1 k$')
[ "$rich" -eq 0 ] && ok print-black-is-k || nok print-black-is-k "$rich rich-black fills"

# ---- screen
bad=$(pdfinfo -box -f 1 -l 99 "$WD/screen.pdf" 2>/dev/null | awk -v tw=$TW -v th=$TH '
    / MediaBox:/ { if ($6 - $4 < tw - 0.5 || $6 - $4 > tw + 0.5 || $7 - $5 < th - 0.5 || $7 - $5 > th + 0.5) { print "page " $2 " is not the trim"; exit } }')
[ -z "$bad" ] && ok screen-page-is-trim || nok screen-page-is-trim "$bad"
cmykops=$(grep -a -c -E '(^| )(k|K)$' "$WD/screen.qdf")
[ "$cmykops" -eq 0 ] && ok screen-rgb-only || nok screen-rgb-only "$cmykops CMYK colour operators"
hippi=$(pdfimages -list "$WD/screen.pdf" 2>/dev/null | sed '1,2d' | awk '$13 > 165 { print $13 }' | head -1)
lowppi=$(pdfimages -list "$WD/print.pdf" 2>/dev/null | sed '1,2d' | awk '{ print $13 }' | sort -n | tail -1)
[ -z "$hippi" ] && [ "${lowppi:-0}" -gt 165 ] && ok screen-photos-downsampled ||
    nok screen-photos-downsampled "screen photo at ${hippi:-?} ppi (print has $lowppi)"
[ "$(stat -c %s "$WD/screen.pdf")" -lt "$(stat -c %s "$WD/print.pdf")" ] && ok screen-smaller ||
    nok screen-smaller "screen file not smaller than print"
# Links: a URL in the text becomes a link to it.
mkdir -p "$WD/link/articles"
printf -- '---\ntitle: Liên kết\n---\n\nXem chi tiết tại https://example.gov.vn/tin-tuc/bai-viet.html hoặc www.example.vn nhé.\n' >"$WD/link/articles/a.md"
printf 'title: L\nnumber: 1\ndate: 2021-01-01\narticles:\n  - articles/a.md\n' >"$WD/link/issue.yaml"
"$BIN" build "$WD/link/issue.yaml" --profile screen -o "$WD/link.pdf" 2>/dev/null
uris=$(qpdf --qdf --object-streams=disable "$WD/link.pdf" - 2>/dev/null | grep -a -o '/URI ([^)]*)' | sort -u | tr '\n' ' ')
case "$uris" in
*"(https://example.gov.vn/tin-tuc/bai-viet.html)"*)
    case "$uris" in *"(http://www.example.vn)"*) ok screen-links ;; *) nok screen-links "links: $uris" ;; esac ;;
*) nok screen-links "links: $uris" ;;
esac
grep -q '/PageMode /UseOutlines' "$WD/screen.qdf" && grep -q '/Lang (vi-VN)' "$WD/screen.qdf" &&
    ok screen-bookmarks-language || nok screen-bookmarks-language "no open bookmarks or vi-VN"

# ---- archive
CP=/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/fontbox2.jar:/usr/share/java/xmpbox.jar:/usr/share/java/commons-logging.jar:/usr/share/java/javax.activation.jar:/usr/share/java/jaxb-api.jar
if command -v java >/dev/null 2>&1 && [ -f /usr/share/java/preflight.jar ]; then
    java -cp "$CP" org.apache.pdfbox.preflight.Validator_A1b "$WD/archive.pdf" >"$WD/preflight.out" 2>&1
    if grep -q "is a valid PDF/A-1b file" "$WD/preflight.out"; then ok archive-pdfa-1b
    else nok archive-pdfa-1b "$(sed -n 2,3p "$WD/preflight.out" | tr '\n' ' ')"; fi
else
    nok archive-pdfa-1b "PDFBox Preflight missing; run make deps"
fi
# XMP: title and producer as in the Info dictionary.
title=$(pdfinfo "$WD/archive.pdf" 2>/dev/null | sed -n 's/^Title: *//p')
if grep -a -q "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">$title</rdf:li>" "$WD/archive.qdf" &&
    grep -a -q '<pdfaid:part>1</pdfaid:part>' "$WD/archive.qdf" && grep -a -q '/CIDSet' "$WD/archive.qdf" &&
    grep -a -q '/S /GTS_PDFA1' "$WD/archive.qdf"; then
    ok archive-xmp-intent-cidset
else
    nok archive-xmp-intent-cidset "XMP title, output intent or CIDSet missing"
fi
! grep -a -q '/SMask' "$WD/archive.qdf" && ok archive-no-transparency || nok archive-no-transparency "soft mask present"
# A CMYK JPEG and a PNG with alpha: converted to RGB and flattened, still PDF/A.
if [ -x /usr/bin/convert ] && [ -f /usr/share/java/preflight.jar ]; then
    d=$WD/photos
    mkdir -p "$d/images" "$d/articles"
    /usr/bin/convert -size 200x130 -seed 4 plasma: -strip -colorspace CMYK "$d/images/cmyk.jpg"
    /usr/bin/convert -size 200x130 -seed 5 plasma: -strip -alpha set -channel A -evaluate set 50% +channel "$d/images/alpha.png"
    printf -- '---\ntitle: Ảnh\n---\n\n![CMYK](../images/cmyk.jpg)\n\n![Trong suốt](../images/alpha.png)\n' >"$d/articles/a.md"
    printf 'title: Ảnh\nnumber: 1\ndate: 2021-01-01\narticles:\n  - articles/a.md\n' >"$d/issue.yaml"
    "$BIN" build "$d/issue.yaml" --profile archive -o "$d/out.pdf" 2>/dev/null
    java -cp "$CP" org.apache.pdfbox.preflight.Validator_A1b "$d/out.pdf" >"$d/preflight.out" 2>&1
    spaces=$(pdfimages -list "$d/out.pdf" 2>/dev/null | sed '1,2d' | awk '{ print $3 "-" $6 }' | sort | tr '\n' ' ')
    if grep -q "is a valid PDF/A-1b file" "$d/preflight.out" && [ "$spaces" = "image-rgb image-rgb " ]; then
        ok archive-photos-converted
    else
        nok archive-photos-converted "$spaces; $(sed -n 2p "$d/preflight.out")"
    fi
fi
exit 0
