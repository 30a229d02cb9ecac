#!/bin/sh
# Writes a long issue for typographic measures: the sample issue's body
# paragraphs reshuffled (deterministically, seeded) into N long articles.
# Usage: tests/typo/gen_issue.sh SAMPLE_DIR OUT_DIR [ARTICLES] [PARAGRAPHS_EACH] [SEED]
set -eu
sample=$1
out=$2
count=${3:-6}
each=${4:-40}
seed=${5:-7}
mkdir -p "$out/articles"
# Body paragraphs only: no front matter, headings, images or list items.
for f in "$sample"/articles/*.md; do
    awk 'NR == 1 && /^---/ { fm = 1; next } fm && /^---/ { fm = 0; next } fm { next }
         /^(#|!\[|>|- |[0-9]+\. )/ || /^[ \t]*$/ { next } { print }' "$f"
done >"$out/paragraphs.txt"
{
    echo "title: Bản tin thử nghiệm dài"
    echo "number: 99"
    echo "date: 2021-05-20"
    echo "organisation: Tòa soạn thử nghiệm"
    echo "articles:"
} >"$out/issue.yaml"
i=1
while [ "$i" -le "$count" ]; do
    f="$out/articles/bai-$i.md"
    {
        echo "---"
        echo "title: Bài thử nghiệm số $i về chuyển đổi số và cải cách hành chính"
        echo "---"
        echo
        awk -v seed="$((seed * 100 + i))" -v each="$each" '
            { p[NR] = $0 }
            END {
                srand(seed)
                for (k = 1; k <= each; k++) { print p[int(rand() * NR) + 1]; print "" }
            }' "$out/paragraphs.txt"
    } >"$f"
    echo "  - articles/bai-$i.md" >>"$out/issue.yaml"
    i=$((i + 1))
done
