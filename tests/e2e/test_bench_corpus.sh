#!/bin/sh
# Keeps the benchmark from rotting: the generator's `small` corpus is
# deterministic, builds, and its PDF passes the output checks (structure,
# embedded Identity-H fonts, the six photos stored once each at full size,
# every paragraph's text back out of the PDF).
# Usage: sh tests/e2e/test_bench_corpus.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/bench
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }
GEN=tests/bench/gen_corpus.sh

sh $GEN small "$WD/a" 7 && sh $GEN small "$WD/b" 7 && sh $GEN small "$WD/c" 8 || {
    nok bench-generate "generator failed"
    exit 0
}
diff -r "$WD/a" "$WD/b" >/dev/null && ok bench-deterministic ||
    nok bench-deterministic "same seed, different corpora"
cmp -s "$WD/a/articles/issue-1.md" "$WD/c/articles/issue-1.md" &&
    nok bench-seeded "another seed wrote the same article" || ok bench-seeded
words=$(cat "$WD"/a/articles/*.md | awk '/^---/ { fm = !fm; next } !fm' | wc -w)
[ "$words" -ge 1500 ] && [ "$words" -le 1900 ] && ok bench-small-size ||
    nok bench-small-size "$words words, want about 1,700"

PDF=$WD/small.pdf
if ! "$BIN" build "$WD/a/issue.yaml" -o "$PDF" 2>"$WD/err"; then
    nok bench-small-builds "$(grep error "$WD/err" | head -2)"
    exit 0
fi
ok bench-small-builds
qpdf --check "$PDF" >"$WD/qpdf" 2>&1 && ok bench-small-qpdf || nok bench-small-qpdf "$(tail -2 "$WD/qpdf")"
pdffonts "$PDF" | awk 'NR > 2 && ($(NF - 4) != "yes" || $(NF - 5) != "Identity-H") { bad = 1 }
    NR > 2 { n++ } END { exit bad || !n }' && ok bench-small-fonts ||
    nok bench-small-fonts "$(pdffonts "$PDF" | tail -n +3 | head -3)"
# Six photos, each one image object at 1600x1067 (JPEG passed through).
pdfimages -list "$PDF" | awk 'NR > 2 { n++; if ($4 == 1600 && $5 == 1067) full++; obj[$11]++ }
    END { u = 0; for (o in obj) u++; exit !(n == 6 && full == 6 && u == 6) }' &&
    ok bench-small-photos || nok bench-small-photos "$(pdfimages -list "$PDF" | tail -n +3 | awk '{ print $4 "x" $5, $11 }' | tr '\n' ' ')"
# Every paragraph comes back out of the PDF, compared without whitespace
# (lines are broken and justified differently from the source), running
# heads and folios taken out (a paragraph may continue over a page).
pdftotext -enc UTF-8 "$PDF" - | tr -d '\f' |
    grep -v -x -e 'Thông tin Khoa học và Công nghệ' -e 'Số 1, Thứ .* năm 2000' -e '[0-9]*' |
    tr -d ' \n\t' >"$WD/text"
cat "$WD"/a/articles/*.md | awk '/^---/ { fm = !fm; next } !fm && NF' | sed 's/\*//g' |
    tr -d ' \t' >"$WD/paras"
missing=$(awk 'NR == FNR { text = text $0; next } index(text, $0) == 0 { m++ } END { print m + 0 }' \
    "$WD/text" "$WD/paras")
[ "$missing" -eq 0 ] && [ -s "$WD/paras" ] && ok bench-small-text ||
    nok bench-small-text "$missing paragraphs not found in the PDF text"
