#!/bin/sh
# Page composition read back from the PDF with real tools: the sample issue
# in every shipped layout (page size, live area, photos clear of text,
# captions under their photos, headlines across columns), jump lines that
# point at the right pages, and photos of every supported format.
# Usage: sh tests/e2e/test_compose.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/compose
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }
SAMPLE=examples/ban-tin-mau/issue.yaml
MM=2.834645669

# words PDF OUT: "page xmin ymin xmax ymax word" for every word.
words() {
    pdftotext -bbox-layout "$1" - 2>/dev/null | awk '
        function attr(s, n) { if (match(s, n "=\"[^\"]*\"")) return substr(s, RSTART + length(n) + 2, RLENGTH - length(n) - 3); return "" }
        /<page / { page++ }
        /<word / { t = $0; sub(/^.*">/, "", t); sub(/<\/word>.*$/, "", t)
                   print page, attr($0, "xMin"), attr($0, "yMin"), attr($0, "xMax"), attr($0, "yMax"), t }' >"$2"
}

# layout  width height  top bottom inside outside (mm)  columns gutter(mm)
while read -r name w h mt mb mi mo cols gut; do
    pdf=$WD/$name.pdf
    # The screen profile: the page is the trim, so positions read back are
    # trim positions (print adds bleed and marks around; see test_profiles).
    if ! "$BIN" build "$SAMPLE" --layout "$name" --profile screen -o "$pdf" 2>"$WD/$name.err"; then
        nok "build-$name" "$(head -2 "$WD/$name.err")"
        continue
    fi
    ok "build-$name"
    words "$pdf" "$WD/$name.words"
    mutool trace "$pdf" 2>/dev/null | awk -f tests/e2e/images.awk >"$WD/$name.images"

    # Page size as declared, every page.
    bad=$(pdfinfo -f 1 -l 999 "$pdf" 2>/dev/null | awk -v w="$w" -v h="$h" '
        /^Page +[0-9]+ size:/ { if ($4 - w > 0.1 || w - $4 > 0.1 || $6 - h > 0.1 || h - $6 > 0.1) print $2 }')
    [ -z "$bad" ] && ok "page-size-$name" || nok "page-size-$name" "pages $bad differ from $w x $h"

    # Live area: every word at least 5 mm inside the trim; words between the
    # top and bottom margins inside the left and right margins.
    bad=$(awk -v W="$w" -v H="$h" -v mm="$MM" -v mt="$mt" -v mb="$mb" -v mi="$mi" -v mo="$mo" '
        { safe = 5 * mm
          if ($2 < safe || $3 < safe || $4 > W - safe || $5 > H - safe) { print "p" $1 " " $6 " outside the safe area"; exit }
          if ($3 >= mt * mm && $5 <= H - mb * mm && ($2 < mi * mm - 0.5 || $4 > W - mo * mm + 0.5)) { print "p" $1 " " $6 " outside the margins"; exit } }' "$WD/$name.words")
    [ -z "$bad" ] && ok "live-area-$name" || nok "live-area-$name" "$bad"

    # No word over a photo.
    bad=$(awk 'NR == FNR { n++; ip[n] = $1; ix0[n] = $2; iy0[n] = $3; ix1[n] = $4; iy1[n] = $5; next }
        { for (i = 1; i <= n; i++) if (ip[i] == $1 && $2 < ix1[i] - 0.5 && $4 > ix0[i] + 0.5 && $3 < iy1[i] - 0.5 && $5 > iy0[i] + 0.5) { print "p" $1 " \"" $6 "\" on photo " i; exit } }' \
        "$WD/$name.images" "$WD/$name.words")
    nimg=$(wc -l <"$WD/$name.images")
    if [ "$nimg" -ge 4 ] && [ -z "$bad" ]; then ok "photos-clear-of-text-$name"; else nok "photos-clear-of-text-$name" "${bad:-only $nimg photos}"; fi

    # Captions: right under each photo, on its page, within its width.
    bad=$(awk 'NR == FNR { n++; ip[n] = $1; ix0[n] = $2; iy0[n] = $3; ix1[n] = $4; iy1[n] = $5; next }
        { for (i = 1; i <= n; i++) if (ip[i] == $1 && $3 >= iy1[i] - 0.5 && $3 <= iy1[i] + 14 && $4 > ix0[i] && $2 < ix1[i]) {
              seen[i]++
              if ($2 < ix0[i] - 0.5 || $4 > ix1[i] + 0.5) wide[i] = $6 } }
        END { for (i = 1; i <= n; i++) { if (!seen[i]) { print "photo " i " on p" ip[i] " has no caption under it"; exit }
                                         if (wide[i] != "") { print "caption word \"" wide[i] "\" wider than photo " i; exit } } }' \
        "$WD/$name.images" "$WD/$name.words")
    [ -z "$bad" ] && ok "captions-under-photos-$name" || nok "captions-under-photos-$name" "$bad"

    # Headlines span columns: some line of headline-size words is wider
    # than a column.
    colw=$(awk -v w="$w" -v mm="$MM" -v mi="$mi" -v mo="$mo" -v c="$cols" -v g="$gut" 'BEGIN { print (w - (mi + mo) * mm - (c - 1) * g * mm) / c }')
    wide=$(pdftotext -bbox-layout "$pdf" - 2>/dev/null | awk -v cw="$colw" '
        function attr(s, n) { if (match(s, n "=\"[^\"]*\"")) return substr(s, RSTART + length(n) + 2, RLENGTH - length(n) - 3); return "" }
        /<line / { x0 = attr($0, "xMin"); x1 = attr($0, "xMax"); h = attr($0, "yMax") - attr($0, "yMin")
                   if (h > 20 && x1 - x0 > cw * 1.2) n++ }
        END { print n + 0 }')
    [ "$wide" -gt 0 ] && ok "headlines-span-columns-$name" || nok "headlines-span-columns-$name" "no headline line wider than a column ($colw pt)"
    # No page but the last ends with a column more than a few (6) lines
    # short: the lowest word or photo of each column against the text-area
    # foot. The body leading is 13 pt in ban-tin/A4, 12.5 pt in A3/A5.
    short=$(awk -v W="$w" -v H="$h" -v mm="$MM" -v mi="$mi" -v mb="$mb" -v c="$cols" -v g="$gut" '
        BEGIN { cw = (W - (mi + mi) * mm - (c - 1) * g * mm) / c; foot = H - mb * mm }
        function col(x) { k = int((x - mi * mm) / (cw + g * mm)); return k < 0 ? 0 : (k >= c ? c - 1 : k) }
        FILENAME ~ /images$/ { for (x = $2 + 1; x < $4; x += cw / 3) { k = $1 " " col(x); if ($5 > low[k]) low[k] = $5 }
                               if ($1 > np) np = $1; next }
        $5 <= foot + 1 { k = $1 " " col(($2 + $4) / 2); if ($5 > low[k]) low[k] = $5; if ($1 > np) np = $1 }
        END { for (p = 1; p < np; p++) for (k2 = 0; k2 < c; k2++) {
                  n = (foot - low[p " " k2]) / 13
                  if (n > 6) { printf "p%d column %d is %.1f lines short; ", p, k2 + 1, n } } }' \
        "$WD/$name.images" "$WD/$name.words")
    [ -z "$short" ] && ok "pages-filled-$name" || nok "pages-filled-$name" "$short"
    # The pull quote shares its page with the paragraphs around it in the
    # article, never standing alone above the next article.
    pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
    near=none
    for p in $(seq 1 "$pages"); do
        t=$(pdftotext -f "$p" -l "$p" "$pdf" - 2>/dev/null | tr '\n' ' ')
        case $t in
        *"Cải cách hành chính không nằm"*)
            case $t in *"Bùi Văn Thắng"*"14.326"* | *"14.326"*"Bùi Văn Thắng"*) near=yes ;; *) near="p$p without its paragraphs" ;; esac ;;
        esac
    done
    [ "$near" = yes ] && ok "quote-with-its-text-$name" || nok "quote-with-its-text-$name" "$near"
done <<'LAYOUTS'
ban-tin 538.58 765.35 14 16 14 14 3 5
a4-3-cot 595.28 841.89 16 18 15 15 3 6
a3-5-cot 841.89 1190.55 15 17 14 14 5 5
a5-2-cot 419.53 595.28 13 15 14 11 2 5
LAYOUTS

# Jump lines: an article whose next page is reserved by a later article's
# `page:` hint continues after it; "Xem tiếp trang N" must point at the
# page that says "Tiếp theo trang M", M being where the jump starts.
sh tests/typo/gen_issue.sh examples/ban-tin-mau "$WD/jump" 3 25 >/dev/null 2>&1
sed 's#^  - articles/bai-2.md#  - file: articles/bai-2.md\n    page: 2#' "$WD/jump/issue.yaml" >"$WD/jump/i.yaml" &&
    mv "$WD/jump/i.yaml" "$WD/jump/issue.yaml"
if "$BIN" build "$WD/jump/issue.yaml" -o "$WD/jump.pdf" 2>/dev/null; then
    npages=$(pdfinfo "$WD/jump.pdf" | sed -n 's/^Pages: *//p')
    res=""
    found=0
    p=1
    while [ "$p" -le "$npages" ]; do
        for n in $(pdftotext -f "$p" -l "$p" "$WD/jump.pdf" - 2>/dev/null | sed -n 's/.*(Xem tiếp trang \([0-9]*\)).*/\1/p'); do
            found=$((found + 1))
            if ! pdftotext -f "$n" -l "$n" "$WD/jump.pdf" - 2>/dev/null | grep -q "(Tiếp theo trang $p)"; then
                res="$res p$p says page $n, which lacks 'Tiếp theo trang $p';"
            fi
        done
        p=$((p + 1))
    done
    if [ "$found" -ge 1 ] && [ -z "$res" ]; then ok jump-lines; else nok jump-lines "${res:-no jump line found}"; fi
    # Page 2 is the hinted article's.
    if pdftotext -f 2 -l 2 "$WD/jump.pdf" - 2>/dev/null | grep -q "Bài thử nghiệm số 2"; then ok page-hint; else nok page-hint "article 2 not on page 2"; fi
else
    nok jump-lines "build failed"
fi

# Photos of every supported kind, generated here, with their colour spaces.
CONVERT=/usr/bin/convert
if [ -x "$CONVERT" ]; then
    d=$WD/formats
    mkdir -p "$d/images" "$d/articles"
    $CONVERT -size 240x160 -seed 5 plasma: -strip "$d/images/rgb.jpg"
    $CONVERT "$d/images/rgb.jpg" -colorspace Gray "$d/images/gray.jpg"
    $CONVERT "$d/images/rgb.jpg" -colorspace CMYK "$d/images/cmyk.jpg"
    $CONVERT "$d/images/rgb.jpg" -interlace Plane "$d/images/progressive.jpg"
    $CONVERT "$d/images/rgb.jpg" -colors 16 -type Palette "$d/images/palette.png"
    $CONVERT "$d/images/rgb.jpg" -colorspace Gray "$d/images/gray.png"
    $CONVERT "$d/images/rgb.jpg" -alpha set -channel A -evaluate set 60% +channel "$d/images/alpha.png"
    $CONVERT "$d/images/rgb.jpg" PNG48:"$d/images/deep.png"
    $CONVERT "$d/images/rgb.jpg" -interlace PNG "$d/images/interlaced.png"
    {
        printf -- '---\ntitle: Ảnh các loại\n---\n'
        for f in rgb.jpg gray.jpg cmyk.jpg progressive.jpg palette.png gray.png alpha.png deep.png interlaced.png; do
            printf '\n![Ảnh %s](../images/%s)\n' "$f" "$f"
        done
        printf '\n![Ảnh dùng lại](../images/rgb.jpg)\n'
    } >"$d/articles/a.md"
    printf 'title: Thử ảnh\nnumber: 1\ndate: 2021-01-01\narticles:\n  - articles/a.md\n' >"$d/issue.yaml"
    if "$BIN" build "$d/issue.yaml" -o "$d/out.pdf" 2>"$d/err"; then
        pdfimages -list "$d/out.pdf" 2>/dev/null | sed '1,2d' >"$d/list"
        # 9 photos (one soft mask for the PNG with alpha), by stored object:
        # CMYK JPEG, gray JPEG and PNG, and six RGB ones.
        got=$(awk '!seen[$3 $11]++ { print $3 "-" $6 }' "$d/list" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
        want="image-cmyk:1 image-gray:2 image-rgb:6 smask-gray:1 "
        [ "$got" = "$want" ] && ok image-formats || nok image-formats "got '$got', want '$want'"
        # The photo used twice is placed twice and stored once.
        placed=$(awk '$3 == "image"' "$d/list" | wc -l)
        stored=$(awk '$3 == "image" && !seen[$11]++' "$d/list" | wc -l)
        [ "$placed" -eq 10 ] && [ "$stored" -eq 9 ] && ok photo-stored-once ||
            nok photo-stored-once "$placed placed, $stored stored"
    else
        nok image-formats "$(head -2 "$d/err")"
    fi
    # A truncated PNG is an error naming the file, and nothing is written.
    head -c 2000 "$d/images/palette.png" >"$d/images/broken.png"
    printf -- '---\ntitle: Hỏng\n---\n\n![x](../images/broken.png)\n' >"$d/articles/a.md"
    "$BIN" build "$d/issue.yaml" -o "$d/broken.pdf" 2>"$d/err2"
    st=$?
    if [ $st -eq 1 ] && grep -q "broken.png" "$d/err2" && [ ! -e "$d/broken.pdf" ]; then
        ok image-corrupt
    else
        nok image-corrupt "status $st: $(head -1 "$d/err2")"
    fi
else
    nok image-formats "ImageMagick (/usr/bin/convert) is missing; run make deps"
fi

# A pull quote that closes an article, at lengths where the article ends
# near a page foot: the quote is set once, whether it goes to the foot of
# the last columns or takes the last lines over to the next page with it.
Q=$WD/closing
dup=""
for n in 10 12 28 30; do
    rm -rf "$Q" && mkdir -p "$Q/articles"
    printf 'title: Thử\nnumber: 1\ndate: 2021-04-22\nlayout: ban-tin\narticles:\n  - articles/a.md\n  - articles/b.md\n' >"$Q/issue.yaml"
    {
        printf -- '---\ntitle: "Bài thứ nhất về cải cách"\nbyline: Nguyễn Văn A\n---\n\n'
        i=1
        while [ $i -le $n ]; do
            printf 'Đoạn %d. Năm 2020, bộ phận một cửa của huyện tiếp nhận 14.326 hồ sơ, giải quyết đúng và trước hạn 99,2%%; số thư xin lỗi giảm từ 86 thư năm 2019 xuống còn 21 thư. Hơn 95%% lượt đánh giá ở mức hài lòng và rất hài lòng của người dân địa phương.\n\n' $i
            i=$((i + 1))
        done
        printf '> “Câu trích dẫn khép bài số %d.”\n' "$n"
    } >"$Q/articles/a.md"
    {
        printf -- '---\ntitle: "Bài thứ hai"\n---\n\n'
        for i in 1 2 3 4 5 6; do
            printf 'Văn bản bài hai %d, tiếp tục với nội dung bình thường để lấp đầy cột báo trong trang.\n\n' $i
        done
    } >"$Q/articles/b.md"
    if "$BIN" build "$Q/issue.yaml" -o "$Q/o.pdf" 2>/dev/null; then
        k=$(pdftotext "$Q/o.pdf" - | grep -c "khép bài số $n")
        [ "$k" -eq 1 ] || dup="$dup $n paragraphs: $k times;"
    else
        dup="$dup $n paragraphs: no PDF;"
    fi
done
[ -z "$dup" ] && ok closing-quote-once || nok closing-quote-once "$dup"
exit 0
