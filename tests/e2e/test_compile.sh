#!/bin/sh
# A yearly compilation of three issues, read back from the PDF: page count,
# contents page numbers against where each article really starts, page
# labels, bookmark tree, one subset per face, index order, PDF/A-1b.
# Usage: sh tests/e2e/test_compile.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/compile
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }

# Three issues (copies of the sample with their own numbers and dates),
# listed out of order: the volume sorts them by date.
for i in 3 1 2; do
    cp -R examples/ban-tin-mau "$WD/so-$i"
    sed -i "s/^number: .*/number: $i/; s/^date: .*/date: 2021-0$((i + 3))-15/" "$WD/so-$i/issue.yaml"
done
cat >"$WD/volume.yaml" <<'YAML'
title: Thông tin Khoa học và Công nghệ
year: 2021
organisation: Sở Khoa học và Công nghệ tỉnh Đông Lĩnh
issues:
  - so-3/issue.yaml
  - so-1/issue.yaml
  - so-2/issue.yaml
YAML
if ! "$BIN" compile "$WD/volume.yaml" -o "$WD/vol.pdf" 2>"$WD/err" </dev/null; then
    nok compile "$(grep error "$WD/err" | head -2)"
    exit 0
fi
ok compile
[ ! -s "$WD/err" ] || ! grep -q 'laying out issue' "$WD/err" && ok compile-quiet-without-terminal ||
    nok compile-quiet-without-terminal "progress printed to a non-terminal"

# Page count: the issues' own pages plus cover, contents and index.
sum=0
for i in 1 2 3; do
    "$BIN" build "$WD/so-$i/issue.yaml" --profile archive -o "$WD/so-$i.pdf" 2>/dev/null
    p=$(pdfinfo "$WD/so-$i.pdf" | sed -n 's/^Pages: *//p')
    sum=$((sum + p))
done
total=$(pdfinfo "$WD/vol.pdf" | sed -n 's/^Pages: *//p')
front=$(qpdf --json --json-key=pagelabels "$WD/vol.pdf" | awk '/"index": / { gsub(/[^0-9]/, "", $2); idx[++n] = $2 } END { print idx[2] }')
back=$((total - front - sum))
[ "$front" -ge 2 ] && [ "$back" -ge 1 ] && [ "$back" -le 2 ] && ok volume-page-count ||
    nok volume-page-count "$total pages: $front front, $sum issue pages, $back back"

# Contents: every "title ... N" must name the page where the article starts
# (page label N = PDF page front + N).
pdftotext -layout -f 2 -l "$front" "$WD/vol.pdf" - 2>/dev/null |
    sed -n 's/^ *\(.*[^ ]\)  *\([0-9][0-9]*\) *$/\2\t\1/p' >"$WD/toc.tsv"
bad=""
checked=0
while IFS="$(printf '\t')" read -r n title; do
    key=$(printf '%s' "$title" | awk '{ print $1 " " $2 " " $3 }')
    case "$key" in "Số "*) continue ;; esac
    pg=$((front + n))
    if ! pdftotext -f "$pg" -l "$pg" "$WD/vol.pdf" - 2>/dev/null | tr '\n' ' ' | grep -q -F "$key"; then
        bad="$bad '$key' not on page $n;"
    fi
    checked=$((checked + 1))
done <"$WD/toc.tsv"
[ "$checked" -ge 12 ] && [ -z "$bad" ] && ok contents-page-numbers || nok contents-page-numbers "$checked checked;$bad"

# Page labels: roman front matter, then 1, 2, ... continuing across issues.
labels=$(qpdf --json --json-key=pagelabels "$WD/vol.pdf" | tr -d ' \n')
case "$labels" in
*'"index":0,"label":{"/S":"/r","/St":1}'*'"/S":"/D","/St":1}'*) ok page-labels ;;
*) nok page-labels "$labels" ;;
esac

# Bookmarks: volume > (contents, issue 1..3 > 5 articles each, index).
qpdf --json --json-key=outlines "$WD/vol.pdf" >"$WD/outlines.json"
# Depth from indentation: deeper items are indented more in qpdf's JSON.
tree=$(awk '/"title":/ { print index($0, "\"") }' "$WD/outlines.json" | sort -n | uniq -c |
    awk '{ printf "%s%d", (NR > 1 ? " " : ""), $1 }')
order=$(grep -o '"title": "Số [0-9]' "$WD/outlines.json" | tr -d '\n')
[ "$tree" = "1 5 15" ] && [ "$order" = '"title": "Số 1"title": "Số 2"title": "Số 3' ] && ok bookmark-tree ||
    nok bookmark-tree "levels $tree, order $order"

# Each issue's bookmark is closed over its five articles (/Count -5): the
# count is set when the articles' bookmarks are written out early.
closed=$(qpdf --qdf --object-streams=disable "$WD/vol.pdf" - 2>/dev/null | grep -a -c '^  /Count -5$')
[ "$closed" -eq 3 ] && ok bookmark-counts || nok bookmark-counts "$closed issue bookmarks with /Count -5"

# One subset per face for the whole volume.
dups=$(pdffonts "$WD/vol.pdf" 2>/dev/null | sed '1,2d' | awk '{ sub(/^[A-Z]{6}\+/, "", $1); print $1 }' | sort | uniq -d)
nf=$(pdffonts "$WD/vol.pdf" 2>/dev/null | sed '1,2d' | wc -l)
[ -z "$dups" ] && [ "$nf" -ge 4 ] && ok one-subset-per-face || nok one-subset-per-face "repeated: $dups"

# Index in Vietnamese order: B < Đ < N < T < V for the sample's titles.
last=$(pdfinfo "$WD/vol.pdf" | sed -n 's/^Pages: *//p')
seq=$(pdftotext -f "$last" -l "$last" "$WD/vol.pdf" - 2>/dev/null | grep -o -E '^(Bộ|ĐẨY|Nhật|THÔNG|VỪA)' | uniq | tr '\n' ' ')
[ "$seq" = "Bộ ĐẨY Nhật THÔNG VỪA " ] && ok index-vietnamese-order || nok index-vietnamese-order "$seq"

# Bad articles in two issues: every error is reported, in issue order, the
# same on every run whichever thread read which issue, and no PDF written.
for i in 1 2 3; do rm -rf "$WD/bad-$i" && cp -R "$WD/so-$i" "$WD/bad-$i"; done
printf '\377 not UTF-8\n' >"$WD/bad-1/articles/02-doanh-nghiep-thanh-lap-moi.md"
rm "$WD/bad-3/articles/04-nhat-ky-dien-tu-vuon-cam.md"
sed 's#so-\([123]\)/#bad-\1/#' "$WD/volume.yaml" >"$WD/bad-volume.yaml"
same=yes
for k in 1 2 3 4 5; do
    "$BIN" compile "$WD/bad-volume.yaml" -o "$WD/bad.pdf" 2>"$WD/bad-$k.err" </dev/null
    st=$?
    [ $st -eq 1 ] || same="exit $st"
    cmp -s "$WD/bad-1.err" "$WD/bad-$k.err" || same="run $k reported differently"
done
first=$(grep -n 'bad-1/articles/02-.*invalid UTF-8' "$WD/bad-1.err" | cut -d: -f1)
second=$(grep -n "bad-3/issue.yaml.*04-nhat-ky-dien-tu-vuon-cam.md' not found" "$WD/bad-1.err" | cut -d: -f1)
if [ "$same" = yes ] && [ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ] && [ ! -e "$WD/bad.pdf" ]; then
    ok compile-errors-in-order
else
    nok compile-errors-in-order "$same; lines $first, $second: $(head -3 "$WD/bad-1.err" | tr '\n' ' ')"
fi

# Pages go to the file as issues are written: an error in the last issue,
# after the first two are written, still leaves neither the PDF nor a
# temporary file behind.
sed 's#so-3/#bad-3/#' "$WD/volume.yaml" >"$WD/late-bad.yaml"
"$BIN" compile "$WD/late-bad.yaml" -o "$WD/late.pdf" 2>"$WD/late.err" </dev/null
st=$?
left=$(find "$WD" -maxdepth 1 -name '.bulletin-*' | head -3 | tr '\n' ' ')
if [ $st -eq 1 ] && [ ! -e "$WD/late.pdf" ] && [ -z "$left" ] &&
    grep -q "bad-3/issue.yaml.*not found" "$WD/late.err"; then
    ok compile-late-error-nothing-written
else
    nok compile-late-error-nothing-written "exit $st, left: $left $(head -2 "$WD/late.err" | tr '\n' ' ')"
fi

# To standard output: the same bytes as to a file, and to a full device a
# clear error.
"$BIN" compile "$WD/volume.yaml" -o - >"$WD/vol-stdout.pdf" 2>/dev/null </dev/null
cmp -s "$WD/vol.pdf" "$WD/vol-stdout.pdf" && ok compile-to-stdout ||
    nok compile-to-stdout "$(cmp "$WD/vol.pdf" "$WD/vol-stdout.pdf" 2>&1)"
"$BIN" compile "$WD/volume.yaml" -o /dev/full 2>"$WD/full.err" </dev/null
st=$?
[ $st -eq 1 ] && grep -q "error: cannot write '/dev/full': No space left on device" "$WD/full.err" &&
    ok compile-device-full || nok compile-device-full "exit $st: $(head -2 "$WD/full.err" | tr '\n' ' ')"

# Archive by default: PDF/A-1b.
CP=/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/fontbox2.jar:/usr/share/java/xmpbox.jar:/usr/share/java/commons-logging.jar:/usr/share/java/javax.activation.jar:/usr/share/java/jaxb-api.jar
java -cp "$CP" org.apache.pdfbox.preflight.Validator_A1b "$WD/vol.pdf" >"$WD/preflight.out" 2>&1
grep -q "is a valid PDF/A-1b file" "$WD/preflight.out" && ok volume-pdfa-1b ||
    nok volume-pdfa-1b "$(sed -n 2,3p "$WD/preflight.out" | tr '\n' ' ')"
exit 0
