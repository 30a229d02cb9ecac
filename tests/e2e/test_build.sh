#!/bin/sh
# End-to-end checks of `bulletin build` on the sample issue (examples/ban-tin-mau):
# the PDF it writes must pass what DESIGN.md "What every output must pass" asks,
# and bad inputs must fail cleanly (exit status, error position, no output left).
#
# Usage (from the repository root): sh tests/e2e/test_build.sh BULLETIN_BINARY WORKDIR
# Prints one line per check, `ok - NAME` or `not ok - NAME: REASON`; failure
# details go to stderr. Exits 0 unless the script itself is broken.
# Tools: sh, awk, sed, grep, sort, tr, cmp, uconv (optional), qpdf, poppler-utils.

set -u
if [ $# -ne 2 ]; then
    echo "usage: sh tests/e2e/test_build.sh BULLETIN_BINARY WORKDIR" >&2
    exit 2
fi
BIN=$1
WD=$2
case $BIN in /*) ;; *) [ -e "$BIN" ] && BIN=$PWD/$BIN ;; esac
case $WD in /*) ;; *) WD=$PWD/$WD ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SAMPLE=$ROOT/examples/ban-tin-mau
mkdir -p "$WD" || exit 2

# Byte semantics everywhere; UTF-8 only where case is folded (GNU sed \U).
export LC_ALL=C
# A UTF-8 locale in which GNU sed \U upper-cases Vietnamese (đ -> Đ).
U8LOCALE=C.UTF-8
for l in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
    if [ "$(printf '\304\221' | LC_ALL=$l sed 's/.*/\U&/' 2>/dev/null)" = "$(printf '\304\220')" ]; then
        U8LOCALE=$l; break
    fi
done

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }
diag() { printf '  %s: %s\n' "$1" "$2" >&2; }
# first N lines of a file joined by "; " (for failure reasons)
firstn() { head -n "$1" "$2" | tr '\n' ';' | sed 's/;$//; s/;/; /g'; }

NBSP=$(printf '\302\240')
NNBSP=$(printf '\342\200\257')
THINSP=$(printf '\342\200\211')
# Punctuation stripped from both ends of a word: ASCII punctuation and “ ” ‘ ’ « » … – —
# shellcheck disable=SC1112  # the curly quotes are meant literally
PUNCT='[[:punct:]]|“|”|‘|’|«|»|…|–|—'

# words: text on stdin -> one word per line, edge punctuation stripped, empties dropped.
words() {
    tr '\f\r\v\t' '    ' | sed -e "s/$NBSP/ /g; s/$NNBSP/ /g; s/$THINSP/ /g" |
        awk '{ for (i = 1; i <= NF; i++) print $i }' |
        sed -E -e "s/^($PUNCT)+//" -e "s/($PUNCT)+\$//" -e '/^$/d'
}
upper() { LC_ALL=$U8LOCALE sed 's/.*/\U&/'; }

# article_text FILE KICKERFILE: prints the article's words-bearing text (front
# matter title/byline/lead/caption/credit and the body without Markdown
# syntax); appends the kicker and section tag (printed in capitals) to KICKERFILE.
article_text() {
    awk -v kfile="$2" '
    NR == 1 && /^---[ \t]*$/ { fm = 1; next }
    fm && /^(---|\.\.\.)[ \t]*$/ { fm = 0; next }
    fm {
        line = $0
        sub(/^[ \t]*(-[ \t]+)?/, "", line)
        if (!match(line, /^[A-Za-z_]+:/)) next
        key = substr(line, 1, RLENGTH - 1)
        val = substr(line, RLENGTH + 1)
        sub(/^[ \t]+/, "", val); sub(/[ \t]+$/, "", val)
        if (val ~ /^".*"$/) { val = substr(val, 2, length(val) - 2); gsub(/\\"/, "\"", val); gsub(/\\\\/, "\\", val) }
        else if (val ~ /^\047.*\047$/) { val = substr(val, 2, length(val) - 2); gsub(/\047\047/, "\047", val) }
        if (key == "kicker" || key == "section") print val >> kfile
        else if (key ~ /^(title|byline|lead|caption|credit)$/) print val
        next
    }
    {
        s = $0
        sub(/^[ \t]*>[ \t]?/, "", s)                      # block quote
        sub(/^[ \t]*#+[ \t]+/, "", s)                     # ATX heading
        sub(/^[ \t]*([-+*]|[0-9]+[.)])[ \t]+/, "", s)     # list marker
        gsub(/!\[/, "", s)                                # image opener
        gsub(/\]\([^)]*\)/, "", s)                        # link/image target
        gsub(/\*\*/, "", s); gsub(/\*/, "", s)            # emphasis
        print s
    }' "$1"
}

# manifest_values FILE: the scalar values of issue.yaml (masthead, colophon...),
# without the article list, layout and kind; plus the weekday of `date:` the
# Vietnamese way.
manifest_values() {
    awk '
    /^articles:/ { inart = 1; next }
    inart && /^[ \t]*-/ { next }
    /^[A-Za-z_]/ { inart = 0 }
    {
        line = $0
        sub(/^[ \t]*(-[ \t]+)?/, "", line)
        if (!match(line, /^[A-Za-z_]+:/)) next
        key = substr(line, 1, RLENGTH - 1)
        val = substr(line, RLENGTH + 1)
        sub(/^[ \t]+/, "", val); sub(/[ \t]+$/, "", val)
        if (val ~ /^".*"$/ || val ~ /^\047.*\047$/) val = substr(val, 2, length(val) - 2)
        if (key == "layout" || key == "kind" || key == "profile" || val == "") next
        print val
        if (key == "date" && val ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?$/) {
            split(val, d, "-"); y = d[1] + 0; m = d[2] + 0; dd = d[3] + 0
            split("0 3 2 5 0 3 5 1 4 6 2 4", t, " ")
            if (m < 3) y--
            w = (y + int(y / 4) - int(y / 100) + int(y / 400) + t[m] + dd) % 7
            split("Chủ Nhật|Thứ Hai|Thứ Ba|Thứ Tư|Thứ Năm|Thứ Sáu|Thứ Bảy", names, "|")
            print names[w + 1]
        }
    }' "$1"
}

# manifest_articles FILE: article paths listed in issue.yaml, in order.
manifest_articles() {
    awk '
    /^articles:/ { inart = 1; next }
    /^[A-Za-z_]/ { inart = 0 }
    inart && /^[ \t]*-/ {
        s = $0; sub(/^[ \t]*-[ \t]*/, "", s); sub(/^file:[ \t]*/, "", s)
        sub(/[ \t]+$/, "", s)
        if (s ~ /^".*"$/ || s ~ /^\047.*\047$/) s = substr(s, 2, length(s) - 2)
        print s
    }
    inart && /^[ \t]+file:/ { s = $0; sub(/^[ \t]*file:[ \t]*/, "", s); print s }' "$1"
}

# manifest_key KEY FILE: the top-level scalar KEY of a YAML file (unquoted).
manifest_key() {
    awk -v k="$1" 'index($0, k ":") == 1 { v = substr($0, length(k) + 2); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
        if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
        print v; exit }' "$2"
}

# front_title FILE: the article title value (unquoted).
front_title() {
    awk 'NR == 1 && /^---/ { fm = 1; next } fm && /^---/ { exit }
    fm && /^title:/ { v = $0; sub(/^title:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
        if (v ~ /^".*"$/ || v ~ /^\047.*\047$/) v = substr(v, 2, length(v) - 2)
        print v; exit }' "$1"
}

PDF=$WD/sample.pdf
have_pdf=no

# ---------------------------------------------------------------- 1 build-sample
"$BIN" build "$SAMPLE/issue.yaml" -o "$PDF" >"$WD/build.out" 2>"$WD/build.err"
rc=$?
pages=$(pdfinfo "$PDF" 2>/dev/null | sed -n 's/^Pages: *//p')
if [ $rc -ne 0 ]; then
    nok build-sample "exit status $rc"; diag build-sample "$(head -3 "$WD/build.err")"
elif [ -z "$pages" ]; then
    nok build-sample "pdfinfo cannot read the output"
elif [ "$pages" -lt 2 ]; then
    nok build-sample "only $pages page(s)"
else
    ok build-sample; have_pdf=yes
fi

# need_pdf NAME: true if the sample PDF exists, else reports NAME as failed.
need_pdf() {
    [ $have_pdf = yes ] && return 0
    nok "$1" "no sample PDF (build-sample failed)"
    return 1
}

# ---------------------------------------------------------------- 2 qpdf-check
if need_pdf qpdf-check; then
    qpdf --check "$PDF" >"$WD/qpdf.out" 2>&1
    rc=$?
    bad=$(grep -v -e 'No syntax or stream encoding errors found' -e '^errors that qpdf cannot detect$' "$WD/qpdf.out" | grep -i -E 'warning|error' | head -3)
    if [ $rc -ne 0 ]; then nok qpdf-check "exit status $rc"; diag qpdf-check "$(head -5 "$WD/qpdf.out")"
    elif [ -n "$bad" ]; then nok qpdf-check "$bad"
    else ok qpdf-check; fi
fi

# ---------------------------------------------------------------- 3 poppler-quiet
if need_pdf poppler-quiet; then
    msg=""
    pdfinfo "$PDF" >"$WD/pdfinfo.txt" 2>"$WD/e.pdfinfo" || msg="$msg pdfinfo-exit"
    pdffonts "$PDF" >"$WD/pdffonts.txt" 2>"$WD/e.pdffonts" || msg="$msg pdffonts-exit"
    pdftotext "$PDF" "$WD/sample.txt" 2>"$WD/e.pdftotext" || msg="$msg pdftotext-exit"
    pdftoppm -r 30 -f 1 -l 1 -png "$PDF" "$WD/page" 2>"$WD/e.pdftoppm" || msg="$msg pdftoppm-exit"
    for t in pdfinfo pdffonts pdftotext pdftoppm; do
        if [ -s "$WD/e.$t" ]; then
            msg="$msg $t: $(head -1 "$WD/e.$t")"
            diag poppler-quiet "$t stderr: $(head -3 "$WD/e.$t")"
        fi
    done
    if [ -n "$msg" ]; then nok poppler-quiet "${msg# }"; else ok poppler-quiet; fi
fi

# ---------------------------------------------------------------- 4 fonts-embedded
if need_pdf fonts-embedded; then
    pdffonts "$PDF" 2>/dev/null | sed '1,2d' >"$WD/fonts.rows"
    nfonts=$(grep -c . "$WD/fonts.rows")
    grep -v -E '^[A-Z]{6}\+[^ ]+ +CID TrueType +Identity-H +yes +yes +yes +[0-9]+ +[0-9]+ *$' \
        "$WD/fonts.rows" >"$WD/fonts.bad"
    if [ -s "$WD/fonts.bad" ]; then
        nok fonts-embedded "$(grep -c . "$WD/fonts.bad") bad font row(s): $(firstn 2 "$WD/fonts.bad" | tr -s ' ')"
    elif [ "$nfonts" -lt 2 ]; then
        nok fonts-embedded "only $nfonts font(s)"
    else
        ok fonts-embedded
    fi
fi

# ---------------------------------------------------------------- word lists
: >"$WD/src.kicker"
: >"$WD/src.text"
manifest_articles "$SAMPLE/issue.yaml" >"$WD/articles.list"
while IFS= read -r a; do
    article_text "$SAMPLE/$a" "$WD/src.kicker" >>"$WD/src.text"
done <"$WD/articles.list"
words <"$WD/src.text" >"$WD/src.w"          # exact, kicker excluded
words <"$WD/src.kicker" >"$WD/kick.w"
cat "$WD/src.w" "$WD/kick.w" | upper >"$WD/src.U"  # all source words, case-folded
{
    manifest_values "$SAMPLE/issue.yaml"
    echo "BẢN TIN Số ngày tháng năm Số lượng in: bản Ảnh: (Xem tiếp trang) (Tiếp theo trang)"
} | words | upper >"$WD/allow.U"
if [ $have_pdf = yes ]; then
    pdftotext "$PDF" - 2>/dev/null >"$WD/sample.txt"
    words <"$WD/sample.txt" >"$WD/pdf.w"
    upper <"$WD/pdf.w" >"$WD/pdf.U"
fi

# firstdiff A B: "line N: <line of A> / <line of B>" for the first differing line
firstdiff() {
    awk 'NR == FNR { a[FNR] = $0; na = FNR; next }
    a[FNR] != $0 { printf "line %d: %s / %s\n", FNR, a[FNR], $0; d = 1; exit }
    END { if (!d && FNR != na) printf "lengths differ (%d / %d lines)\n", na, FNR }' "$1" "$2"
}
# tagged TAG FILE: prints TAG<TAB>line for each line of FILE
tagged() { sed "s/^/$1	/" "$2"; }

# ---------------------------------------------------------------- 5 text-complete
if need_pdf text-complete; then
    {
        tagged PE "$WD/pdf.w"; tagged PU "$WD/pdf.U"
        tagged SE "$WD/src.w"; tagged SU "$WD/src.U"
    } | awk -F '\t' '
    $1 == "PE" { pe[$2]++; next }
    $1 == "PU" { pu[$2]++; next }
    $1 == "SE" { if (!($2 in se)) ord[++n] = $2; se[$2]++; next }
    $1 == "SU" { if (!($2 in su)) uord[++un] = $2; su[$2]++; next }
    END {
        for (i = 1; i <= n; i++) { w = ord[i]; if (pe[w] < se[w]) printf "%s (%d<%d)\n", w, pe[w], se[w] }
        for (i = 1; i <= un; i++) { w = uord[i]; if (pu[w] < su[w]) printf "%s (%d<%d, any case)\n", w, pu[w], su[w] }
    }' >"$WD/missing.txt"
    if [ -s "$WD/missing.txt" ]; then
        nok text-complete "$(grep -c . "$WD/missing.txt") word(s) missing or too few: $(firstn 6 "$WD/missing.txt")"
        diag text-complete "full list in $WD/missing.txt"
    else
        ok text-complete
    fi
fi

# ---------------------------------------------------------------- 6 text-no-extra
if need_pdf text-no-extra; then
    {
        tagged S "$WD/src.U"; tagged A "$WD/allow.U"; tagged P "$WD/pdf.U"
    } | awk -F '\t' '
    $1 == "S" || $1 == "A" { ok[$2] = 1; next }
    $1 == "P" && !($2 in ok) && $2 !~ /^[0-9]+$/ && $2 != "•" && !($2 in seen) { seen[$2] = 1; print $2 }
    ' >"$WD/extra.txt"
    if [ -s "$WD/extra.txt" ]; then
        nok text-no-extra "$(grep -c . "$WD/extra.txt") word(s) not in the sources: $(firstn 6 "$WD/extra.txt")"
    else
        ok text-no-extra
    fi
fi

# ------------------------------------------- 6b text-no-doubled ("nothing doubled")
# A word that comes only from the articles (not from issue.yaml, the fixed
# masthead/colophon words, page numbers or the bullet) must not occur in the
# PDF more often than in the sources.
if need_pdf text-no-doubled; then
    {
        tagged S "$WD/src.U"; tagged A "$WD/allow.U"; tagged P "$WD/pdf.U"
    } | awk -F '\t' '
    $1 == "S" { s[$2]++; next }
    $1 == "A" { a[$2] = 1; next }
    $1 == "P" { if (!($2 in p)) ord[++n] = $2; p[$2]++ }
    END {
        for (i = 1; i <= n; i++) {
            w = ord[i]
            if ((w in a) || w ~ /^[0-9]+$/ || w == "•" || !(w in s)) continue
            if (p[w] > s[w]) printf "%s (%d>%d)\n", w, p[w], s[w]
        }
    }' >"$WD/doubled.txt"
    if [ -s "$WD/doubled.txt" ]; then
        nok text-no-doubled "$(grep -c . "$WD/doubled.txt") word(s) more often than in the sources: $(firstn 6 "$WD/doubled.txt")"
    else
        ok text-no-doubled
    fi
fi

# ---------------------------------------------------------------- 7 no-replacement-char
if need_pdf no-replacement-char; then
    n=$(grep -c -F "$(printf '\357\277\275')" "$WD/sample.txt")
    if [ "$n" -ne 0 ]; then
        nok no-replacement-char "$n line(s) with U+FFFD, first: $(grep -n -F "$(printf '\357\277\275')" "$WD/sample.txt" | head -1)"
    else
        ok no-replacement-char
    fi
fi

# ---------------------------------------------------------------- 8 ligatures-intact
if need_pdf ligatures-intact; then
    miss=""
    for w in Office wifi file; do
        grep -q -x -F "$w" "$WD/pdf.w" || miss="$miss $w"
    done
    if [ -n "$miss" ]; then
        nok ligatures-intact "not found in the text:$miss"
        diag ligatures-intact "$(grep -n -E 'Of|wi|fi|ﬁ|ﬃ' "$WD/sample.txt" | grep -i -E 'o..ce|wi.?.?i|ﬁ|ﬃ' | head -3)"
    else
        ok ligatures-intact
    fi
fi

# ---------------------------------------------------------------- 8b ligature-tounicode
# The caption face (Noto Sans Italic) sets "fi" as one ligature glyph: its
# ToUnicode entry must give back both letters, or copied text loses them.
if need_pdf ligature-tounicode; then
    if qpdf --qdf --object-streams=disable "$PDF" "$WD/qdf.pdf" 2>/dev/null &&
        grep -a -q -E '^<[0-9A-F]{4}> <00660069>$' "$WD/qdf.pdf"; then
        ok ligature-tounicode
    else
        nok ligature-tounicode "no ToUnicode entry maps a glyph to 'fi'"
    fi
fi

# ---------------------------------------------------------------- 9 nfc-output
if need_pdf nfc-output; then
    comb=$(printf '\314[\200-\277]|\315[\200-\257]')
    n=$(grep -c -E "$comb" "$WD/sample.txt")
    if [ "$n" -ne 0 ]; then
        nok nfc-output "$n line(s) with combining marks U+0300..U+036F, first: $(grep -n -E "$comb" "$WD/sample.txt" | head -1)"
    else
        ok nfc-output
    fi
fi

# ---------------------------------------------------------------- 10 nfd-identical
if ! command -v uconv >/dev/null 2>&1; then
    echo "ok - nfd-identical # SKIP uconv missing"
elif need_pdf nfd-identical; then
    rm -rf "$WD/nfd"
    cp -R "$SAMPLE" "$WD/nfd"
    conv_ok=yes changed=no
    for f in "$WD"/nfd/articles/*.md; do
        uconv -f utf-8 -t utf-8 -x any-nfd <"$f" >"$f.nfd" 2>/dev/null || conv_ok=no
        cmp -s "$f" "$f.nfd" || changed=yes
        mv "$f.nfd" "$f"
    done
    if [ $conv_ok = no ]; then
        nok nfd-identical "uconv failed"
    elif [ $changed = no ]; then
        nok nfd-identical "NFD conversion changed nothing (test broken?)"
    elif ! "$BIN" build "$WD/nfd/issue.yaml" -o "$WD/nfd.pdf" >/dev/null 2>"$WD/nfd.err"; then
        nok nfd-identical "NFD build failed: $(head -1 "$WD/nfd.err")"
    else
        pdftotext "$PDF" "$WD/nfc.txt" 2>/dev/null
        pdftotext "$WD/nfd.pdf" "$WD/nfd.txt" 2>/dev/null
        pdffonts "$PDF" 2>/dev/null | awk 'NR > 2 { print $1, $2, $3, $4, $5, $6, $7 }' >"$WD/nfc.fonts"
        pdffonts "$WD/nfd.pdf" 2>/dev/null | awk 'NR > 2 { print $1, $2, $3, $4, $5, $6, $7 }' >"$WD/nfd.fonts"
        if ! cmp -s "$WD/nfc.txt" "$WD/nfd.txt"; then
            first=$(cmp "$WD/nfc.txt" "$WD/nfd.txt" 2>&1 | head -1)
            line=$(firstdiff "$WD/nfc.txt" "$WD/nfd.txt")
            nok nfd-identical "pdftotext differs ($first): ${line:-?}"
        elif ! cmp -s "$WD/nfc.fonts" "$WD/nfd.fonts"; then
            nok nfd-identical "pdffonts differs: NFC [$(tr '\n' ' ' <"$WD/nfc.fonts" | tr -s ' ')] NFD [$(tr '\n' ' ' <"$WD/nfd.fonts" | tr -s ' ')]"
        else
            ok nfd-identical
        fi
    fi
fi

# ---------------------------------------------------------------- 11 deterministic
"$BIN" build "$SAMPLE/issue.yaml" -o "$WD/det1.pdf" >/dev/null 2>&1
r1=$?
"$BIN" build "$SAMPLE/issue.yaml" -o "$WD/det2.pdf" >/dev/null 2>&1
r2=$?
if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then
    nok deterministic "builds exited $r1 and $r2"
elif ! cmp -s "$WD/det1.pdf" "$WD/det2.pdf"; then
    nok deterministic "two builds differ: $(cmp "$WD/det1.pdf" "$WD/det2.pdf" 2>&1 | head -1)"
elif [ $have_pdf = yes ] && ! cmp -s "$PDF" "$WD/det1.pdf"; then
    nok deterministic "differs from the first build: $(cmp "$PDF" "$WD/det1.pdf" 2>&1 | head -1)"
else
    ok deterministic
fi
# The lean font configuration (system font folders and family aliases only)
# resolves what the full system one does: same PDF with FONTCONFIG_FILE.
if [ -f /etc/fonts/fonts.conf ]; then
    FONTCONFIG_FILE=/etc/fonts/fonts.conf "$BIN" build "$SAMPLE/issue.yaml" -o "$WD/det3.pdf" >/dev/null 2>&1
    cmp -s "$WD/det1.pdf" "$WD/det3.pdf" && ok lean-fontconfig-same ||
        nok lean-fontconfig-same "the full fontconfig configuration gives another PDF"
fi

# ---------------------------------------------------------------- 12 bookmarks
if need_pdf bookmarks; then
    np=$(qpdf --show-npages "$PDF" 2>/dev/null)
    qpdf --json --json-key=outlines "$PDF" >"$WD/outlines.json" 2>"$WD/outlines.err"
    rc=$?
    # every "title": of an outline item (kids included), JSON string as printed
    sed -n 's/^ *"title": "\(.*\)",\{0,1\}$/\1/p' "$WD/outlines.json" >"$WD/outlines.got"
    : >"$WD/outlines.want"
    while IFS= read -r a; do
        front_title "$SAMPLE/$a" | sed 's/\\/\\\\/g; s/"/\\"/g' >>"$WD/outlines.want"
    done <"$WD/articles.list"
    ngot=$(grep -c . "$WD/outlines.got")
    nwant=$(grep -c . "$WD/outlines.want")
    if [ "$np" != "$pages" ]; then
        nok bookmarks "qpdf --show-npages says '$np', pdfinfo says $pages"
    elif [ $rc -ne 0 ]; then
        nok bookmarks "qpdf --json failed: $(head -1 "$WD/outlines.err")"
    elif [ "$ngot" -ne "$nwant" ]; then
        nok bookmarks "$ngot outline item(s), want $nwant (one per article)"
    elif ! cmp -s "$WD/outlines.got" "$WD/outlines.want"; then
        nok bookmarks "outline titles differ from the article titles: $(firstdiff "$WD/outlines.want" "$WD/outlines.got")"
    else
        ok bookmarks
    fi
fi

# ---------------------------------------------------------------- 13 metadata
if need_pdf metadata; then
    itit=$(manifest_key title "$SAMPLE/issue.yaml")
    iorg=$(manifest_key organisation "$SAMPLE/issue.yaml")
    ptit=$(pdfinfo "$PDF" 2>/dev/null | sed -n 's/^Title: *//p')
    paut=$(pdfinfo "$PDF" 2>/dev/null | sed -n 's/^Author: *//p')
    pcd=$(pdfinfo "$PDF" 2>/dev/null | sed -n 's/^CreationDate: *//p')
    root=$(qpdf --show-object=trailer "$PDF" 2>/dev/null | sed -n 's/.*\/Root \([0-9][0-9]*\) \([0-9][0-9]*\) R.*/\1,\2/p')
    cat=""
    [ -n "$root" ] && cat=$(qpdf --show-object="$root" "$PDF" 2>/dev/null)
    case $ptit in *"$itit"*) tok=yes ;; *) tok=no ;; esac
    if [ $tok = no ]; then nok metadata "Title '$ptit' lacks '$itit'"
    elif [ "$paut" != "$iorg" ]; then nok metadata "Author '$paut', want '$iorg'"
    elif [ -z "$pcd" ]; then nok metadata "no CreationDate"
    elif ! printf '%s\n' "$cat" | grep -q '/Lang (vi-VN)'; then nok metadata "catalog has no /Lang (vi-VN): $(printf '%s' "$cat" | head -c 120)"
    else ok metadata; fi
fi

# ---------------------------------------------------------------- 14 page-size
# The sample builds in the print profile: every page's TrimBox is the
# 190 x 270 mm trim, the sheet around it has room for bleed and marks.
if need_pdf page-size; then
    pdfinfo -box -f 1 -l "$pages" "$PDF" 2>/dev/null | awk '
    /^Page +[0-9]+ TrimBox:/ {
        n++
        w = $6 - $4; h = $7 - $5
        if (w < 538.58 - 0.5 || w > 538.58 + 0.5 || h < 765.35 - 0.5 || h > 765.35 + 0.5)
            printf "page %s trim is %.2f x %.2f pts\n", $2, w, h
    }
    END { if (n == 0) print "no TrimBox" }' >"$WD/pagesize.bad"
    if [ -s "$WD/pagesize.bad" ]; then nok page-size "$(firstn 3 "$WD/pagesize.bad") (want 538.58 x 765.35)"
    else ok page-size; fi
fi

# ---------------------------------------------------------------- 15 images-embedded
if need_pdf images-embedded; then
    pdfimages -list "$PDF" 2>"$WD/pdfimages.err" | sed '1,2d' >"$WD/images.rows"
    nimg=$(grep -c . "$WD/images.rows")
    nobj=$(awk '{ print $11, $12 }' "$WD/images.rows" | sort -u | grep -c .)
    if [ "$nimg" -ne 4 ]; then nok images-embedded "$nimg image(s) drawn, want 4"
    elif [ "$nobj" -ne 4 ]; then nok images-embedded "$nobj distinct image object(s), want 4"
    elif [ -s "$WD/pdfimages.err" ]; then nok images-embedded "pdfimages: $(head -1 "$WD/pdfimages.err")"
    else ok images-embedded; fi
fi

# ---------------------------------------------------------------- 16 bad inputs
# leftover_tmp: names of temporary files the build left in WORKDIR.
leftover_tmp() { find "$WD" -name '.bulletin-*' 2>/dev/null | head -3 | tr '\n' ' '; }

# bad_check NAME ISSUE_REL OUT_REL PATTERN: runs the build from WORKDIR, wants
# exit 1, a stderr line matching the extended regexp PATTERN, no OUT file and
# no temporary file left.
bad_check() {
    name=$1 issue=$2 out=$3 pat=$4
    rm -f "$WD/$out"
    (cd "$WD" && "$BIN" build "$issue" -o "$out") >"$WD/$name.out" 2>"$WD/$name.err"
    rc=$?
    left=$(leftover_tmp)
    if [ $rc -ne 1 ]; then
        nok "$name" "exit status $rc, want 1; stderr: $(head -1 "$WD/$name.err")"
    elif ! grep -q -E "$pat" "$WD/$name.err"; then
        nok "$name" "no error matching /$pat/; stderr: $(head -2 "$WD/$name.err" | tr '\n' ' ')"
    elif [ -e "$WD/$out" ]; then
        nok "$name" "output file $out was created"
    elif [ -n "$left" ]; then
        nok "$name" "temporary file(s) left: $left"
    elif [ -s "$WD/$name.out" ]; then
        nok "$name" "printed on stdout: $(head -1 "$WD/$name.out")"
    else
        ok "$name"
    fi
}
badcopy() { rm -rf "${WD:?}/$1" && cp -R "$SAMPLE" "$WD/$1"; }

# a. missing article
badcopy bad-a
sed 's#^\(  *- *\(file: *\)\{0,1\}\)articles/05-thong-bao-de-xuat-nhiem-vu\.md#\1articles/khong-co.md#' \
    "$SAMPLE/issue.yaml" >"$WD/bad-a/issue.yaml"
ln=$(grep -n 'khong-co\.md' "$WD/bad-a/issue.yaml" | head -1)
col=$(printf '%s\n' "${ln#*:}" | awk '{ print index($0, "articles/") }')
ln=${ln%%:*}
bad_check missing-article bad-a/issue.yaml bad-1.pdf \
    "(^|/)bad-a/issue\\.yaml:$ln:$col: error: .*khong-co\\.md.*not found"

# b. missing image (front matter images[].file of article 03)
badcopy bad-b
mv "$WD/bad-b/images/mot-cua.jpg" "$WD/bad-b/images/mot-cua-renamed.jpg"
art=articles/03-bo-phan-mot-cua-cap-huyen.md
ln=$(grep -n 'mot-cua\.jpg' "$WD/bad-b/$art" | head -1)
col=$(printf '%s\n' "${ln#*:}" | awk '{ print index($0, "../images/") }')
ln=${ln%%:*}
bad_check missing-image bad-b/issue.yaml bad-2.pdf \
    "(^|/)bad-b/$(echo "$art" | sed 's/\./\\./g'):$ln:$col: error: .*mot-cua\\.jpg.*not found"

# c. YAML syntax error: the error is found on the bad line or the next one
badcopy bad-c
sed '1s/.*/title: [unclosed/' "$SAMPLE/issue.yaml" >"$WD/bad-c/issue.yaml"
bad_check yaml-syntax bad-c/issue.yaml bad-3.pdf \
    "(^|/)bad-c/issue\\.yaml:[12]:[0-9]+: error: .*YAML syntax error"

# d. unknown key with a suggestion
badcopy bad-d
sed 's/^title:/titel:/' "$SAMPLE/issue.yaml" >"$WD/bad-d/issue.yaml"
ln=$(grep -n '^titel:' "$WD/bad-d/issue.yaml" | head -1 | cut -d: -f1)
bad_check unknown-key bad-d/issue.yaml bad-4.pdf \
    "(^|/)bad-d/issue\\.yaml:$ln:1: error: .*unknown key 'titel'.*did you mean 'title'"

# e. invalid UTF-8 (a raw 0xFF byte inside a body word)
badcopy bad-e
sed "s/wifi/wi$(printf '\377')fi/" "$SAMPLE/$art" >"$WD/bad-e/$art"
ln=$(grep -n -a "wi$(printf '\377')fi" "$WD/bad-e/$art" | head -1 | cut -d: -f1)
bad_check invalid-utf8 bad-e/issue.yaml bad-5.pdf \
    "(^|/)bad-e/$(echo "$art" | sed 's/\./\\./g'):$ln:[0-9]+: error: .*invalid UTF-8"

# (extra) missing manifest: `path: error: ...` is enough
bad_check missing-manifest no-such-issue/issue.yaml bad-6.pdf \
    "(^|/)no-such-issue/issue\\.yaml(:[0-9]+:[0-9]+)?: error: "

# f. a failed build keeps the previous good PDF byte for byte
"$BIN" build "$SAMPLE/issue.yaml" -o "$WD/keep.pdf" >/dev/null 2>&1
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$WD/keep.pdf" ]; then
    nok old-pdf-kept "good build to keep.pdf failed (exit $rc)"
else
    cp "$WD/keep.pdf" "$WD/keep.orig"
    (cd "$WD" && "$BIN" build bad-a/issue.yaml -o keep.pdf) >/dev/null 2>&1
    rc=$?
    left=$(leftover_tmp)
    if [ $rc -ne 1 ]; then nok old-pdf-kept "failing build exited $rc, want 1"
    elif [ ! -e "$WD/keep.pdf" ]; then nok old-pdf-kept "keep.pdf was removed"
    elif ! cmp -s "$WD/keep.pdf" "$WD/keep.orig"; then nok old-pdf-kept "keep.pdf was changed"
    elif [ -n "$left" ]; then nok old-pdf-kept "temporary file(s) left: $left"
    else ok old-pdf-kept; fi
fi

# g. usage errors
"$BIN" build >/dev/null 2>&1; r1=$?
"$BIN" frobnicate >/dev/null 2>&1; r2=$?
ver=$("$BIN" --version 2>/dev/null); r3=$?
if [ $r1 -ne 2 ]; then nok bad-usage "'bulletin build' exited $r1, want 2"
elif [ $r2 -ne 2 ]; then nok bad-usage "'bulletin frobnicate' exited $r2, want 2"
elif [ $r3 -ne 0 ]; then nok bad-usage "'bulletin --version' exited $r3, want 0"
elif ! printf '%s\n' "$ver" | grep -q -E '[0-9]+\.[0-9]+'; then nok bad-usage "'bulletin --version' printed '$ver', no version number"
else ok bad-usage; fi

# ---------------------------------------------------------------- 17 frame-check / no-overlap
# Word boxes from pdftotext -bbox-layout: "page yMin xMin xMax yMax word" per line,
# with the page's width and height first.
if [ $have_pdf = yes ]; then
    pdftotext -bbox-layout "$PDF" "$WD/bbox.html" 2>/dev/null
    awk -F '"' '
    /<page / { p++; printf "%d 0 P %s %s\n", p, $2, $4; next }
    /<word / {
        t = $0; sub(/^[^>]*>/, "", t); sub(/<\/word>.*/, "", t)
        printf "%d %s %s %s %s %s\n", p, $4, $2, $6, $8, t
    }' "$WD/bbox.html" | sort -k1,1n -k2,2g >"$WD/boxes.txt"
fi

if need_pdf frame-check; then
    awk -v m=14.17 '
    $3 == "P" { W = $4; H = $5; next }
    {
        y0 = $2; x0 = $3; x1 = $4; y1 = $5
        if (x0 < 0 || y0 < 0 || x1 > W || y1 > H)
            printf "p%d \"%s\" outside the page (%.1f,%.1f)-(%.1f,%.1f)\n", $1, $6, x0, y0, x1, y1
        else if (x0 < m || y0 < m || x1 > W - m || y1 > H - m)
            printf "p%d \"%s\" within 5 mm of the trim (%.1f,%.1f)-(%.1f,%.1f)\n", $1, $6, x0, y0, x1, y1
    }
    END { if (NR == 0) print "no words" }' "$WD/boxes.txt" >"$WD/frame.bad"
    if [ -s "$WD/frame.bad" ]; then nok frame-check "$(grep -c . "$WD/frame.bad") word box(es): $(firstn 3 "$WD/frame.bad")"
    else ok frame-check; fi
fi

if need_pdf no-overlap; then
    awk '
    $3 == "P" { next }
    { n++; pg[n] = $1; y0[n] = $2; x0[n] = $3; x1[n] = $4; y1[n] = $5; t[n] = $6 }
    END {
        for (i = 1; i <= n; i++)
            for (j = i + 1; j <= n && pg[j] == pg[i] && y0[j] < y1[i] - 1; j++) {
                ox = (x1[i] < x1[j] ? x1[i] : x1[j]) - (x0[i] > x0[j] ? x0[i] : x0[j])
                oy = (y1[i] < y1[j] ? y1[i] : y1[j]) - (y0[i] > y0[j] ? y0[i] : y0[j])
                if (ox > 1 && oy > 1)
                    printf "p%d \"%s\" (%.1f,%.1f) and \"%s\" (%.1f,%.1f) overlap %.1f x %.1f pt\n", \
                        pg[i], t[i], x0[i], y0[i], t[j], x0[j], y0[j], ox, oy
            }
    }' "$WD/boxes.txt" >"$WD/overlap.bad"
    if [ -s "$WD/overlap.bad" ]; then nok no-overlap "$(grep -c . "$WD/overlap.bad") overlapping word pair(s): $(firstn 2 "$WD/overlap.bad")"
    else ok no-overlap; fi
fi

# ---------------------------------------------------------------- reading-order
# Within each article, paragraphs come out of pdftotext in source order:
# the first three words of every body paragraph must appear in the PDF's
# word stream at increasing positions.
if need_pdf reading-order; then
    tr -s ' \t\n' '\n\n\n' <"$WD/sample.txt" | grep -v '^$' >"$WD/order.pdfw"
    bad=""
    while IFS= read -r a; do
        awk 'BEGIN { fm = 0 }
             NR == 1 && /^---/ { fm = 1; next }
             fm && /^---/ { fm = 0; next }
             fm { next }
             /^(#|!\[|>|- |[0-9]+\. )/ || /^[ \t]*$/ { next }
             { gsub(/\*/, ""); n = split($0, w, /[ \t]+/)
               if (n >= 3) print w[1] " " w[2] " " w[3] }' "$SAMPLE/$a" >"$WD/order.heads"
        r=$(awk 'NR == FNR { heads[++nh] = $0; next }
                 { word[++nw] = $0 }
                 END {
                     pos = 0
                     for (h = 1; h <= nh; h++) {
                         found = 0
                         for (i = pos + 1; i + 2 <= nw; i++)
                             if (word[i] " " word[i+1] " " word[i+2] == heads[h]) { found = i; break }
                         if (!found) { print "paragraph " h " (" heads[h] ") not found after word " pos; exit }
                         pos = found
                     }
                 }' "$WD/order.heads" "$WD/order.pdfw")
        [ -n "$r" ] && bad="$bad $a: $r;"
    done <"$WD/articles.list"
    if [ -n "$bad" ]; then nok reading-order "${bad# }"; else ok reading-order; fi
fi



# Kickers are set in capitals by the layout: the page shows them upper-cased
# and copying gives what the page shows, for every article (articles are set
# several times while pages are filled; each setting must keep its own text).
if [ -s "$PDF" ]; then
    pdftotext -enc UTF-8 "$PDF" "$WD/kickers.txt" 2>/dev/null
    missing=""
    for k in "HỘI NGHỊ" "DOANH NGHIỆP" "CẢI CÁCH HÀNH CHÍNH" "CHUYỂN ĐỔI SỐ" "THÔNG BÁO"; do
        grep -q "$k" "$WD/kickers.txt" || missing="$missing '$k'"
    done
    if [ -n "$missing" ]; then nok kickers-upper-case "not in the PDF text:$missing"
    else ok kickers-upper-case; fi
fi

exit 0
