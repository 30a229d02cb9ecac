#!/bin/sh
# Writes a benchmark corpus from the sample issue's own Vietnamese text,
# deterministically (a seeded Park-Miller generator in awk, so the same
# seed gives the same bytes on every machine).
#   small  one A4 issue in 3 columns: 5 articles, ~1,700 words, 6 photos
#          (three of them across two columns), ~4 pages
#   large  a volume of 52 such issues (~250 pages)
#   huge   ten volumes' worth, 520 issues in one compilation (~2,500 pages)
#   real   ../shared/corpus's published articles as one issue (if present)
# Photos (1600x1067 JPEG, ImageMagick plasma, seeded) are made once and
# kept in $BULLETIN_BENCH_CACHE (default ~/.cache/bulletin-bench), outside git.
# Usage: tests/bench/gen_corpus.sh small|large|huge|real OUT_DIR [SEED]
set -eu
kind=$1
out=$2
seed=${3:-2026}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sample=$root/examples/ban-tin-mau
cache=${BULLETIN_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bulletin-bench}
PHOTOS=6

make_photos() {
    mkdir -p "$cache"
    n=1
    while [ "$n" -le "$PHOTOS" ]; do
        p=$cache/photo-$n.jpg
        if [ ! -s "$p" ]; then
            /usr/bin/convert -size 1600x1067 -seed "$n" plasma:fractal -blur 0x2 \
                -quality 85 "$p.tmp.jpg"
            mv "$p.tmp.jpg" "$p"
        fi
        n=$((n + 1))
    done
    mkdir -p "$out/images"
    cp "$cache"/photo-[1-$PHOTOS].jpg "$out/images/"
}

# The sample's body paragraphs, one per line.
paragraphs() {
    for f in "$sample"/articles/*.md; do
        awk 'NR == 1 && /^---/ { fm = 1; next } fm && /^---/ { fm = 0; next } fm { next }
             /^(#|!\[|>|- |[0-9]+\. )/ || /^[ \t]*$/ { next } { print }' "$f"
    done
}

# write_issue NUMBER PREFIX: an issue manifest $out/PREFIX.yaml and its five
# articles $out/articles/PREFIX-K.md, about 1,700 words with 6 photos.
write_issue() {
    number=$1
    prefix=$2
    month=$(((number - 1) % 12 + 1))
    year=$((2000 + (number - 1) / 12))
    {
        echo "title: Thông tin Khoa học và Công nghệ"
        echo "number: $number"
        printf 'date: %04d-%02d-15\n' "$year" "$month"
        echo "organisation: Sở Khoa học và Công nghệ tỉnh Đông Lĩnh"
        echo "layout: a4-3-cot"
        echo "articles:"
    } >"$out/$prefix.yaml"
    k=1
    while [ "$k" -le 5 ]; do
        f=articles/$prefix-$k.md
        awk -v seed="$((seed * 1000 + number * 10 + k))" -v k="$k" -v photos="$PHOTOS" '
            function rnd() { state = (state * 16807) % 2147483647; return state / 2147483647 }
            function pick(n) { return int(rnd() * n) + 1 }
            { p[NR] = $0 }
            END {
                state = seed % 2147483646 + 1
                for (i = 0; i < 5; i++) rnd()
                # Title: the first words of a random paragraph.
                split(p[pick(NR)], w, " ")
                title = ""
                for (i = 1; i <= 9 && i in w; i++) title = title (i > 1 ? " " : "") w[i]
                gsub(/[",.:;*_]/, "", title)
                print "---"
                print "title: \"" title "\""
                print "section: Thời sự"
                print "byline: Phóng viên " k
                print "images:"
                # Six photos over five articles: the first article has two.
                n = (k == 1) ? 2 : 1
                for (i = 0; i < n; i++) {
                    ph = (k == 1) ? i + 1 : k + 1
                    print "  - file: ../images/photo-" ph ".jpg"
                    print "    caption: \"Ảnh minh họa số " ph " cho bài viết\""
                    # Lead photos across two columns, as bulletins set them.
                    if (i == 0 && k % 2 == 1) print "    span: 2"
                }
                print "---"
                print ""
                words = 0
                while (words < 300) {
                    para = p[pick(NR)]
                    words += split(para, w, " ")
                    print para
                    print ""
                }
            }' "$out/paragraphs.txt" >"$out/$f"
        echo "  - $f" >>"$out/$prefix.yaml"
        k=$((k + 1))
    done
}

write_volume() {
    count=$1
    {
        echo "title: Thông tin Khoa học và Công nghệ"
        echo "year: 2025"
        echo "organisation: Sở Khoa học và Công nghệ tỉnh Đông Lĩnh"
        echo "issues:"
    } >"$out/volume.yaml"
    i=1
    while [ "$i" -le "$count" ]; do
        prefix=$(printf 'so-%03d' "$i")
        write_issue "$i" "$prefix"
        echo "  - $prefix.yaml" >>"$out/volume.yaml"
        i=$((i + 1))
    done
}

rm -rf "$out"
mkdir -p "$out/articles"
case $kind in
small)
    paragraphs >"$out/paragraphs.txt"
    make_photos
    write_issue 1 issue
    ;;
large)
    paragraphs >"$out/paragraphs.txt"
    make_photos
    write_volume 52
    ;;
huge)
    paragraphs >"$out/paragraphs.txt"
    make_photos
    write_volume 520
    ;;
real)
    corpus=${BULLETIN_CORPUS:-$root/../shared/corpus}
    [ -d "$corpus/articles" ] || { echo "gen_corpus: no corpus at $corpus" >&2; exit 3; }
    rm -rf "$out"
    sh "$root/tests/typo/corpus_issue.sh" "$corpus" "$out"
    sed -i 's/^articles:/layout: a4-3-cot\narticles:/' "$out/issue.yaml"
    mv "$out/issue.yaml" "$out/issue.yaml.tmp" && mv "$out/issue.yaml.tmp" "$out/issue.yaml"
    ;;
*)
    echo "usage: gen_corpus.sh small|large|huge|real OUT_DIR [SEED]" >&2
    exit 2
    ;;
esac
rm -f "$out/paragraphs.txt"
