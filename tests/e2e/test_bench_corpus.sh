#!/bin/sh
# Keeps the benchmark from rotting: the generator's `small` corpus is
# deterministic, builds, and its PDF passes the output checks (structure,
# embedded Identity-H fonts, the six photos stored once each at full size,
# every paragraph's text back out of the PDF); the `large` volume compiles
# with its multi-page contents and index whole and in order.
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

# The large volume: its contents and index run over several pages, set and
# written one page at a time; they must come out whole and in order.
sh $GEN large "$WD/large" 7 >/dev/null || nok bench-large-generate "generator failed"
VOL=$WD/large.pdf
if "$BIN" compile "$WD/large/volume.yaml" -o "$VOL" 2>"$WD/large.err"; then
    # Front pages: the roman range, before the first issue's page 1.
    front=$(qpdf --json --json-key=pagelabels "$VOL" | tr -d ' \n' |
        sed -n 's/.*"index":\([0-9]*\),"label":{"\/S":"\/D","\/St":1}.*/\1/p')
    total=$(pdfinfo "$VOL" | sed -n 's/^Pages: *//p')
    # Issue headings of the contents, in the order they are printed.
    pdftotext -f 2 -l "$front" "$VOL" - | grep -o '^Số [0-9]*' | sed 's/Số //' >"$WD/toc-order"
    seq 1 52 >"$WD/toc-want"
    if [ "${front:-0}" -ge 3 ] && cmp -s "$WD/toc-order" "$WD/toc-want"; then
        ok bench-large-contents-pages
    else
        nok bench-large-contents-pages "front $front, issues listed: $(tr '\n' ' ' <"$WD/toc-order" | cut -c1-80)"
    fi
    # The contents' last line points at the page where that article starts.
    last=$(pdftotext -layout -f "$front" -l "$front" "$VOL" - | grep -E '[0-9]+ *$' | tail -1)
    title=$(printf '%s\n' "$last" | sed 's/  *[0-9]* *$//; s/^ *//')
    label=$(printf '%s\n' "$last" | grep -o '[0-9]* *$' | tr -d ' ')
    pg=$((front + label))
    if [ -n "$title" ] && pdftotext -f "$pg" -l "$pg" "$VOL" - | tr '\n' ' ' | grep -q -F "$title"; then
        ok bench-large-contents-target
    else
        nok bench-large-contents-target "'$title' not on page $label (sheet $pg)"
    fi
    # The index: 260 titles over several pages at the back, under its own
    # bookmark, the last of the root's 54 (contents, 52 issues, index).
    first_ix=$(pdftotext "$VOL" - | awk -v RS='\f' '/CHỈ MỤC BÀI VIẾT/ { print NR; exit }')
    grep -h '^title:' "$WD"/large/articles/*.md | sed 's/^title: "//; s/"$//' | sort -u >"$WD/titles"
    n_ix=$(pdftotext -f "${first_ix:-1}" -l "$total" "$VOL" - | grep -c -x -F -f "$WD/titles")
    kids=$(qpdf --json --json-key=outlines "$VOL" | grep -c '^          "title"')
    lastkid=$(qpdf --json --json-key=outlines "$VOL" | grep '^          "title"' | tail -1)
    if [ "$((total - ${first_ix:-total}))" -ge 1 ] && [ "$n_ix" -eq 260 ] && [ "$kids" -eq 54 ] &&
        printf '%s' "$lastkid" | grep -q 'Chỉ mục'; then
        ok bench-large-index-pages
    else
        nok bench-large-index-pages "index from sheet $first_ix of $total, $n_ix titles, $kids bookmarks, last $lastkid"
    fi
    qpdf --check "$VOL" >/dev/null 2>&1 && ok bench-large-qpdf || nok bench-large-qpdf "qpdf --check failed"
    # The same bytes again, however the threads' timing falls (pages and
    # bookmarks go out while the deflater works).
    same=yes
    for k in 1 2; do
        "$BIN" compile "$WD/large/volume.yaml" -o "$WD/large-$k.pdf" 2>/dev/null
        cmp -s "$VOL" "$WD/large-$k.pdf" || same="run $k: $(cmp "$VOL" "$WD/large-$k.pdf" 2>&1)"
    done
    [ "$same" = yes ] && ok bench-large-deterministic || nok bench-large-deterministic "$same"
else
    nok bench-large-compiles "$(grep error "$WD/large.err" | head -2)"
fi

# Killed (SIGKILL: no handler runs) while pages are being written, its
# temporary file open beside the output: nothing is left behind, since
# that file has no name until it is complete.
if [ -f "$WD/large/volume.yaml" ]; then
    seen=no
    for try in 1 2 3; do
        "$BIN" compile "$WD/large/volume.yaml" -o "$WD/killed.pdf" 2>/dev/null &
        pid=$!
        i=0
        while [ $i -lt 2000 ] && kill -0 $pid 2>/dev/null; do
            # Under valgrind the binary is a child of the wrapper: look at both.
            if ls -l /proc/$pid/fd /proc/$pid/task/*/children 2>/dev/null | grep -q -F "$WD/" ||
                for c in $(cat /proc/$pid/task/*/children 2>/dev/null); do ls -l /proc/$c/fd; done 2>/dev/null |
                grep -q -F "$WD/"; then
                seen=yes
                kill -KILL $pid $(cat /proc/$pid/task/*/children 2>/dev/null) 2>/dev/null
                break
            fi
            sleep 0.002
            i=$((i + 1))
        done
        wait $pid 2>/dev/null
        [ $seen = yes ] && break
        rm -f "$WD/killed.pdf"
    done
    left=$(ls -a "$WD" | grep '^\.bulletin-' | head -2 | tr '\n' ' ')
    if [ $seen = no ]; then
        echo "ok - killed-leaves-nothing # SKIP the build always finished first"
    elif [ -z "$left" ] && [ ! -e "$WD/killed.pdf" ]; then
        ok killed-leaves-nothing
    else
        nok killed-leaves-nothing "left: $left $(ls "$WD"/killed.pdf 2>/dev/null)"
    fi
fi
