#!/bin/sh
# Typographic measures read back from a PDF, as a reader sees them. Takes
# justified body lines (body-text height, right edge on a column edge, at
# least 4 words) and their mean word space in em; prints the share over
# 0.5 em (loose), the 95th percentile and the largest.
# Usage: tests/typo/report.sh PDF BODY_SIZE_PT [LABEL]
set -eu
pdf=$1
size=$2
label=${3:-$(basename "$pdf")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pdftotext -bbox-layout "$pdf" - 2>/dev/null | awk -f "$(dirname "$0")/wordspace.awk" >"$tmp/lines"
# Body text height: the most common line height.
bh=$(awk '{ printf "%.1f\n", $2 }' "$tmp/lines" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
# Column right edges: right edges shared by many body lines.
awk -v h="$bh" '{ if (sprintf("%.1f", $2) == h) printf "%.1f\n", $3 }' "$tmp/lines" |
    sort | uniq -c | awk '$1 >= 5 { print $2 }' >"$tmp/edges"
awk -v h="$bh" -v s="$size" 'NR == FNR { edge[++ne] = $1; next }
    sprintf("%.1f", $2) == h && $6 >= 4 {
        for (i = 1; i <= ne; i++)
            if ($3 >= edge[i] - 0.3 && $3 <= edge[i] + 0.3) { $5 = $5 / s; print; break }
    }' "$tmp/edges" "$tmp/lines" >"$tmp/justified"
sort -k5,5g "$tmp/justified" >"$tmp/sorted"
n=$(wc -l <"$tmp/sorted")
if [ "$n" -eq 0 ]; then
    echo "$label: no justified lines found"
    exit 1
fi
loose=$(awk '$5 > 0.5' "$tmp/sorted" | wc -l)
p95=$(awk -v n="$n" 'NR == int(n * 0.95 + 0.999) { print $5 }' "$tmp/sorted")
max=$(tail -1 "$tmp/sorted" | awk '{ print $5 }')
worst=$(tail -1 "$tmp/sorted" | awk '{ print "p" $1 ": " $7 }')
awk -v l="$label" -v n="$n" -v loose="$loose" -v p95="$p95" -v max="$max" -v w="$worst" 'BEGIN {
    printf "%-30s %5d lines  loose %5.1f %%  p95 %.3f em  max %.3f em  worst %s\n",
        l, n, 100 * loose / n, p95, max, w }'
