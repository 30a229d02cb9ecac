#!/bin/sh
# Typography read back from the PDF: body baselines on one grid across the
# columns of a page, the build report agreeing with the PDF, and the word
# spacing targets on the sample and on a long generated issue.
# Usage: sh tests/e2e/test_typo.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/typo
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }
SAMPLE=examples/ban-tin-mau/issue.yaml
LEAD=13 # body leading of layouts/ban-tin.yaml

if ! "$BIN" build "$SAMPLE" -o "$WD/s.pdf" --report "$WD/s.json" 2>"$WD/build.err"; then
    nok typo-build "$(head -2 "$WD/build.err")"
    exit 0
fi
pdftotext -bbox-layout "$WD/s.pdf" - 2>/dev/null | awk -f tests/typo/wordspace.awk >"$WD/lines"

# Body lines: the most common line height. Their bottoms (baseline plus a
# constant descent) must all be the same phase modulo the leading.
bh=$(awk '{ printf "%.1f\n", $2 }' "$WD/lines" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
pdftotext -bbox-layout "$WD/s.pdf" - 2>/dev/null | awk -v bh="$bh" -v lead="$LEAD" '
    /<page / { page++ }
    /<line / {
        match($0, /yMin="[^"]*"/); y0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
        match($0, /yMax="[^"]*"/); y1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
        if (sprintf("%.1f", y1 - y0) != bh) next
        ph = y1 - lead * int(y1 / lead)
        if (!(page in first)) first[page] = ph
        d = ph - first[page]; if (d < 0) d = -d
        if (d > 0.05 && d < lead - 0.05) { bad++; if (bad < 4) printf "p%d y=%.2f phase %.2f vs %.2f\n", page, y1, ph, first[page] }
        n++
    }
    END { printf "%d %d\n", n, bad + 0 }' >"$WD/grid"
set -- $(tail -1 "$WD/grid")
if [ "${1:-0}" -gt 100 ] && [ "${2:-1}" -eq 0 ]; then
    ok baselines-on-grid
else
    nok baselines-on-grid "$2 of $1 body lines off the grid: $(head -3 "$WD/grid" | tr '\n' ';')"
fi

# The report's worst line is in the PDF, with the word space the PDF shows.
wtext=$(sed -n 's/.*"total".*//; /"worst_line"/h; ${x; p}' "$WD/s.json" |
    sed 's/.*"text": "\(.*\)"}.*/\1/')
wspace=$(sed -n '/"total"/,$ s/.*"word_space_em": \([0-9.]*\).*/\1/p' "$WD/s.json")
key=$(echo "$wtext" | tr ' ' '_')
measured=$(awk -v k="$key" -v s=10 'index($7, substr(k, 1, 20)) == 1 && $4 > 0 { print $5 / s; exit }' "$WD/lines")
if [ -n "$measured" ] && awk -v a="$measured" -v b="$wspace" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.02) }'; then
    ok report-worst-line-matches-pdf
else
    nok report-worst-line-matches-pdf "report '$wtext' $wspace em, PDF ${measured:-not found}"
fi
rpages=$(sed -n 's/^  "pages": \([0-9]*\),/\1/p' "$WD/s.json")
ppages=$(pdfinfo "$WD/s.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
if [ "$rpages" = "$ppages" ] && grep -q '"overset_lines": 0' "$WD/s.json" &&
    [ "$(grep -c '"title"' "$WD/s.json")" -eq 5 ]; then
    ok report-pages-articles
else
    nok report-pages-articles "report pages $rpages, PDF $ppages"
fi
# Report's loose lines: at least every line the PDF shows over the maximum.
rloose=$(sed -n '/"total"/,$ s/.*"loose_lines": \([0-9]*\).*/\1/p' "$WD/s.json")
ploose=$(sh tests/typo/report.sh "$WD/s.pdf" 10 x 2>/dev/null | sed 's/.* \([0-9]*\) lines  loose *\([0-9.]*\) %.*/\1 \2/' |
    awk '{ printf "%d\n", $1 * $2 / 100 + 0.5 }')
if [ -n "$rloose" ] && [ -n "$ploose" ] && [ "$rloose" -ge "$ploose" ]; then
    ok report-loose-lines
else
    nok report-loose-lines "report $rloose, PDF over 0.5 em: $ploose"
fi

# Word spacing targets: loose (mean word space over 0.5 em) at most 1 %,
# 95th percentile at most 0.45 em; sample and a long generated issue, in
# both shipped layouts.
sh tests/typo/gen_issue.sh examples/ban-tin-mau "$WD/long" >/dev/null 2>&1
for layout in ban-tin a4-3-cot; do
    for issue in sample long; do
        src=$SAMPLE
        [ $issue = long ] && src=$WD/long/issue.yaml
        "$BIN" build "$src" --layout $layout -o "$WD/$issue-$layout.pdf" 2>/dev/null
        line=$(sh tests/typo/report.sh "$WD/$issue-$layout.pdf" 10 "$issue-$layout")
        loose=$(echo "$line" | sed 's/.*loose *\([0-9.]*\) %.*/\1/')
        p95=$(echo "$line" | sed 's/.*p95 \([0-9.]*\) em.*/\1/')
        if awk -v l="$loose" -v p="$p95" 'BEGIN { exit !(l <= 1.0 && p <= 0.45) }'; then
            ok "word-spacing-$issue-$layout"
        else
            nok "word-spacing-$issue-$layout" "$line"
        fi
    done
done
exit 0
