#!/bin/sh
# `bulletin import` on the project's own fixtures (tests/import): scraped
# text with and without portal cruft, a provincial portal's saved page, a
# .docx built here from its XML parts; the same text in every encoding an
# editor meets gives the same article; bad inputs give their error and
# write nothing; and an issue built from the imported articles passes the
# output checks. With ../shared/corpus present, its published articles
# (markers taken off) import with no word lost.
# Usage: sh tests/e2e/test_import.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/import
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }
FIX=tests/import
NBSP=$(printf '\302\240')
# shellcheck disable=SC1112  # the curly quotes are meant literally
PUNCT='[[:punct:]]|“|”|‘|’|«|»|…|–|—'
# words: text on stdin -> one word per line, edge punctuation stripped.
words() {
    sed "s/$NBSP/ /g" | tr '\t' ' ' | awk '{ for (i = 1; i <= NF; i++) print $i }' |
        sed -E -e "s/^($PUNCT)+//" -e "s/($PUNCT)+\$//" -e '/^$/d'
}

# imports NAME INPUT WANT: imports INPUT into $WD/NAME/ and compares the
# article with the expected file; the report goes to $WD/NAME.report.
imports() {
    name=$1 input=$2 want=$3
    mkdir -p "$WD/$name"
    if ! "$BIN" import "$input" -o "$WD/$name" >"$WD/$name.report" 2>"$WD/$name.err"; then
        nok "$name" "exit $?: $(head -2 "$WD/$name.err" | tr '\n' ' ')"
        return 1
    fi
    stem=$(basename "$input"); stem=${stem%.*}
    if cmp -s "$WD/$name/$stem.md" "$want"; then
        ok "$name"
    else
        nok "$name" "article differs from $want: $(diff "$want" "$WD/$name/$stem.md" | sed -n 2,3p | tr '\n' ' ')"
        return 1
    fi
}
# reports NAME REGEX: the import report (or its stderr) has a line matching.
reports() {
    if grep -q -E -- "$2" "$WD/$1.report" "$WD/$1.err"; then ok "$1-report: $2"
    else nok "$1-report" "no line matching /$2/ in: $(head -12 "$WD/$1.report" | tr '\n' '|')"; fi
}

# ------------------------------------------------------------ scraped text
imports txt-cruft "$FIX/tin-hoi-nghi.txt" "$FIX/tin-hoi-nghi.expected.md"
reports txt-cruft 'dropped line 2 "EmailPrintAa" \(portal furniture\)'
reports txt-cruft 'dropped line 14 "Ý kiến bạn đọc" \(heading of comments or related links\)'
reports txt-cruft 'date 2021-04-22 from line 3 "17:08 22/04/2021"'
reports txt-cruft '^  2 paragraphs|^  3 paragraphs, 1 subheads, 0 list items, 0 quotes, 2 captions, 0 photos$'
reports txt-cruft 'tin-hoi-nghi\.txt:7: warning: caption without its photo: fill in .file:. of images\[1\]'
imports txt-clean "$FIX/tin-ngan.txt" "$FIX/tin-ngan.expected.md"
reports txt-clean 'line 10 is a subhead'
# Body sentences that mention speeches and awards stay body text, a line
# wrapped mid-sentence is joined, "Lưu ý:" is text, a closing "Theo ông
# ..., ..." sentence is no byline, "Thứ 5, ..." is a date line.
imports txt-not-captions "$FIX/bai-go-dong.txt" "$FIX/bai-go-dong.expected.md"
printf 'Tiêu đề\nDòng một\000 dòng hai\n' >"$WD/nul.txt"
mkdir -p "$WD/nul"
"$BIN" import "$WD/nul.txt" -o "$WD/nul" >/dev/null 2>"$WD/nul.err"
[ $? -eq 1 ] && grep -q 'nul\.txt:2:9: error: NUL character in the text' "$WD/nul.err" && [ -z "$(ls -A "$WD/nul")" ] &&
    ok txt-nul-refused || nok txt-nul-refused "$(head -1 "$WD/nul.err")"

# The same text in other encodings and forms: the same article.
enc() { # NAME CONVERTER...: converts tin-hoi-nghi.txt, imports, compares
    name=$1; shift
    mkdir -p "$WD/enc-$name"
    "$@" <"$FIX/tin-hoi-nghi.txt" >"$WD/enc-$name/tin-hoi-nghi.txt" 2>/dev/null ||
        { nok "encoding-$name" "could not make the fixture with $*"; return; }
    imports "encoding-$name" "$WD/enc-$name/tin-hoi-nghi.txt" "$FIX/tin-hoi-nghi.expected.md"
}
enc nfd uconv -x any-nfd
enc bom sh -c 'printf "\357\273\277"; cat'
enc utf16-bom iconv -f UTF-8 -t UTF-16
enc utf16be iconv -f UTF-8 -t UTF-16BE
enc windows-1258 iconv -f UTF-8 -t CP1258
enc tcvn3 iconv -f UTF-8 -t TCVN5712-1
enc tcvn3-as-1252 sh -c 'iconv -f UTF-8 -t TCVN5712-1 | uconv -f windows-1252 -t UTF-8'
mkdir -p "$WD/enc-forced"
if "$BIN" import "$WD/enc-tcvn3/tin-hoi-nghi.txt" -o "$WD/enc-forced" --input-encoding tcvn3 >"$WD/enc-forced.report" 2>/dev/null &&
    cmp -s "$WD/enc-forced/tin-hoi-nghi.md" "$FIX/tin-hoi-nghi.expected.md" &&
    grep -q 'encoding: TCVN3 (--input-encoding)' "$WD/enc-forced.report"; then
    ok encoding-forced
else
    nok encoding-forced "--input-encoding tcvn3 did not give the article"
fi
reports encoding-nfd 'encoding: UTF-8, decomposed \(NFD\): composed to NFC'
reports encoding-windows-1258 'encoding: Windows-1258, converted to Unicode'
reports encoding-tcvn3 'encoding: TCVN3 \(ABC\), converted to Unicode'
reports encoding-tcvn3-as-1252 'encoding: TCVN3 \(ABC\) read as Windows-1252'
reports encoding-utf16-bom 'encoding: UTF-16 \(little-endian\)'

# ------------------------------------------------------------ saved web page
mkdir -p "$WD/page/trang_files"
cp "$FIX/trang-tin.html" "$WD/page/"
/usr/bin/convert -size 480x320 gradient:'#5a8'-'#dd9' "$WD/page/trang_files/anh doi che.jpg"
imports html "$WD/page/trang-tin.html" "$FIX/trang-tin.expected.md"
cmp -s "$WD/page/trang_files/anh doi che.jpg" "$WD/html/trang-tin-1.jpg" &&
    ok html-photo-copied || nok html-photo-copied "trang-tin-1.jpg is not the page's photo"
reports html 'title from <h1>'
reports html 'lead from <div class="sapo">'
reports html 'images\[2\]: https://phuluong\.example\.vn/upload/che-kho\.jpg is on the web'
# Windows-1258 declared by the page, and undeclared
mkdir -p "$WD/page1258/trang_files" "$WD/page1258b/trang_files"
cp "$WD/page/trang_files/"* "$WD/page1258/trang_files/"
cp "$WD/page/trang_files/"* "$WD/page1258b/trang_files/"
sed 's/<meta charset="utf-8">/<meta charset="windows-1258">/' "$FIX/trang-tin.html" |
    iconv -f UTF-8 -t CP1258 >"$WD/page1258/trang-tin.html"
sed '/<meta charset/d' "$FIX/trang-tin.html" | iconv -f UTF-8 -t CP1258 >"$WD/page1258b/trang-tin.html"
imports html-1258-declared "$WD/page1258/trang-tin.html" "$FIX/trang-tin.expected.md"
imports html-1258-guessed "$WD/page1258b/trang-tin.html" "$FIX/trang-tin.expected.md"
# Paragraphs split by <br><br> and bare text between <p>s, an article in
# id="divPrintContent" inside <body class="ast-right-sidebar">, the date by
# the title rather than the top bar's, a text table row by row, an icon
# table read as text.
imports html-portal-quirks "$FIX/trang-br.html" "$FIX/trang-br.expected.md"
reports html-portal-quirks 'date from the date element by the title "Đăng ngày: 15/07/2023"'

# ------------------------------------------------------------ Word
mkdir -p "$WD/docx-parts"
cp -R "$FIX/docx/." "$WD/docx-parts/"
mkdir -p "$WD/docx-parts/word/media"
/usr/bin/convert -size 400x300 plasma:fractal -seed 3 "$WD/docx-parts/word/media/image1.jpeg" 2>/dev/null ||
    /usr/bin/convert -size 400x300 xc:'#48a' "$WD/docx-parts/word/media/image1.jpeg"
(cd "$WD/docx-parts" && zip -qrX ../truong-hoc.docx '[Content_Types].xml' _rels docProps word)
imports docx "$WD/truong-hoc.docx" "$FIX/truong-hoc.expected.md"
cmp -s "$WD/docx-parts/word/media/image1.jpeg" "$WD/docx/truong-hoc-1.jpg" &&
    ok docx-photo-extracted || nok docx-photo-extracted "truong-hoc-1.jpg is not word/media/image1.jpeg"
reports docx 'title from paragraph 1 \(style heading 1\)'
reports docx 'paragraph 5: caption of images\[1\]'
reports docx 'byline from paragraph 16 \(a name at the end, right-aligned\)'

# A submission as most come: title in bold and centred (Normal style), an
# all-bold lead, a numbered list that goes on after a paragraph, tracked
# changes, a text box (read once, not twice from its VML fallback), a
# byline in the Strong character style; "Bình luận" and "Lưu ý:" are text
# in a Word file, not portal furniture.
mkdir -p "$WD/docx2-parts"
cp -R "$FIX/docx/." "$WD/docx2-parts/"
cp "$FIX/docx2/word/document.xml" "$WD/docx2-parts/word/document.xml"
(cd "$WD/docx2-parts" && zip -qrX ../det-tho-cam.docx '[Content_Types].xml' _rels docProps word)
imports docx-submission "$WD/det-tho-cam.docx" "$FIX/det-tho-cam.expected.md"

# Several files in one run: each gets its article; a bad one fails (exit 1)
# without stopping the others.
mkdir -p "$WD/many"
"$BIN" import "$FIX/tin-ngan.txt" "$WD/khong-co.txt" "$FIX/bai-go-dong.txt" -o "$WD/many" >"$WD/many.report" 2>"$WD/many.err"
st=$?
if [ $st -eq 1 ] && cmp -s "$WD/many/tin-ngan.md" "$FIX/tin-ngan.expected.md" &&
    cmp -s "$WD/many/bai-go-dong.md" "$FIX/bai-go-dong.expected.md" &&
    grep -q 'khong-co\.txt: error: cannot read' "$WD/many.err" && [ "$(grep -c ' -> ' "$WD/many.report")" -eq 2 ]; then
    ok import-many
else
    nok import-many "exit $st: $(ls "$WD/many" | tr '\n' ' ')"
fi

# ------------------------------------------------------------ never overwrite
cp "$WD/txt-cruft/tin-hoi-nghi.md" "$WD/before.md"
echo "sửa tay" >>"$WD/txt-cruft/tin-hoi-nghi.md"
"$BIN" import "$FIX/tin-hoi-nghi.txt" -o "$WD/txt-cruft" >/dev/null 2>"$WD/again.err"
st=$?
if [ $st -eq 1 ] && grep -q 'tin-hoi-nghi.md already exists; import to another folder with -o, or replace it with --force' "$WD/again.err" &&
    tail -1 "$WD/txt-cruft/tin-hoi-nghi.md" | grep -q 'sửa tay'; then
    ok import-keeps-existing
else
    nok import-keeps-existing "exit $st: $(head -1 "$WD/again.err")"
fi
"$BIN" import "$FIX/tin-hoi-nghi.txt" -o "$WD/txt-cruft" --force >/dev/null 2>&1 &&
    cmp -s "$WD/txt-cruft/tin-hoi-nghi.md" "$WD/before.md" && ok import-force ||
    nok import-force "--force did not replace the article"

# ------------------------------------------------------------ bad input
bad() { # NAME STATUS REGEX ARGS...
    name=$1 want=$2 re=$3
    shift 3
    mkdir -p "$WD/bad-$name"
    "$BIN" import "$@" >/dev/null 2>"$WD/bad-$name.err"
    st=$?
    if [ $st -ne "$want" ]; then nok "bad-$name" "exit $st, want $want: $(head -1 "$WD/bad-$name.err")"
    elif ! grep -q -E -- "$re" "$WD/bad-$name.err"; then nok "bad-$name" "no /$re/: $(head -1 "$WD/bad-$name.err")"
    elif [ -n "$(ls -A "$WD/bad-$name")" ]; then nok "bad-$name" "wrote $(ls "$WD/bad-$name" | head -2)"
    else ok "bad-$name"; fi
}
bad missing 1 'khong-co\.txt: error: cannot read the text file: No such file or directory' "$WD/khong-co.txt" -o "$WD/bad-missing"
head -c 3000 /dev/urandom >"$WD/hong.docx"
bad not-a-docx 1 'hong\.docx: error: cannot read this Word file \(\.docx\): it is not a \.docx' "$WD/hong.docx" -o "$WD/bad-not-a-docx"
(cd "$WD/docx-parts" && zip -qrX ../rong.docx '[Content_Types].xml' _rels)
bad docx-without-body 1 'rong\.docx: error: this Word file has no readable word/document\.xml' "$WD/rong.docx" -o "$WD/bad-docx-without-body"
printf 'Ti\201u \215\217 \220\235 \201\215\217\n' >"$WD/rac.txt"
bad not-vietnamese 1 'rac\.txt:1:3: error: invalid UTF-8 byte 0x81, and the text reads as none of Windows-1258, TCVN3 or VNI' "$WD/rac.txt" -o "$WD/bad-not-vietnamese"
printf '\n\n  \n' >"$WD/trong.txt"
bad empty 1 'trong\.txt: error: no title found: the file has no text' "$WD/trong.txt" -o "$WD/bad-empty"
bad no-folder 2 "output folder '.*/khong-co' does not exist" "$FIX/tin-ngan.txt" -o "$WD/khong-co"
bad no-input 2 'import needs at least one file' -o "$WD/bad-no-input"

# ------------------------------------------------------------ build from imports
ISSUE=$WD/issue
mkdir -p "$ISSUE/articles"
cp "$WD/txt-cruft/tin-hoi-nghi.md" "$WD/txt-clean/tin-ngan.md" "$WD/html/"* "$WD/docx/"* "$ISSUE/articles/"
printf 'title: Bản tin nhập bài\nnumber: 3\ndate: 2021-06-10\norganisation: Đảng ủy Khối các cơ quan tỉnh\nlayout: ban-tin\narticles:\n  - articles/tin-hoi-nghi.md\n  - articles/trang-tin.md\n  - articles/truong-hoc.md\n  - articles/tin-ngan.md\n' >"$ISSUE/issue.yaml"
PDF=$WD/issue.pdf
if "$BIN" build "$ISSUE/issue.yaml" -o "$PDF" >/dev/null 2>"$WD/build.err"; then
    ok build-imported
    grep -q "warning: photo slot without a file (caption 'Lãnh đạo tỉnh tặng hoa" "$WD/build.err" &&
        ok build-warns-empty-slot || nok build-warns-empty-slot "$(head -2 "$WD/build.err")"
    qpdf --check "$PDF" >"$WD/qpdf" 2>&1 && ok build-imported-qpdf || nok build-imported-qpdf "$(tail -2 "$WD/qpdf")"
    pdffonts "$PDF" 2>"$WD/pdffonts.err" | awk 'NR > 2 && ($(NF - 4) != "yes" || $(NF - 3) != "yes" || $(NF - 2) != "yes") { bad = 1 }
        NR > 2 { n++ } END { exit bad || !n }' && [ ! -s "$WD/pdffonts.err" ] && ok build-imported-fonts ||
        nok build-imported-fonts "$(pdffonts "$PDF" | tail -n +3 | head -3)"
    pdfimages -list "$PDF" 2>/dev/null | awk 'NR > 2 { n++ } END { exit n != 2 }' && ok build-imported-photos ||
        nok build-imported-photos "want the 2 imported photos: $(pdfimages -list "$PDF" | tail -n +3 | wc -l)"
    # Every paragraph of every imported article is in the PDF text,
    # compared without whitespace, running heads and folios taken out.
    # The text in the order it is drawn (-raw: column by column, as set,
    # whatever pdftotext's reading order makes of floats and photos); pull
    # quotes, which a paragraph may flow around, are found and taken out
    # first.
    pdftotext -raw -enc UTF-8 "$PDF" - 2>/dev/null | tr -d '\f' |
        grep -v -x -e 'Bản tin nhập bài' -e 'BẢN TIN NHẬP BÀI' -e '.*Số 3.*2021' -e '[0-9]*' |
        sed "s/$NBSP//g" | tr -d ' \n\t' >"$WD/text"
    cat "$ISSUE"/articles/*.md | awk '/^---/ { fm = !fm; next } !fm && NF' |
        sed -e 's/^## //; s/^> /QUOTE:/; s/^- //; s/^[0-9]*\. //; s/\*//g; s/\\//g' -e "s/$NBSP//g" |
        tr -d ' \t' >"$WD/paras"
    missing=$(awk 'NR == FNR { text = text $0; next }
        /^QUOTE:/ { q = substr($0, 7); i = index(text, q)
                    if (i) text = substr(text, 1, i - 1) substr(text, i + length(q))
                    else { m++; print > "/dev/stderr" }
                    next }
        { para[++n] = $0 }
        END { for (k = 1; k <= n; k++) if (index(text, para[k]) == 0) { m++; print para[k] > "/dev/stderr" }
              print m + 0 }' "$WD/text" "$WD/paras" 2>"$WD/missing")
    [ "$missing" -eq 0 ] && [ -s "$WD/paras" ] && ok build-imported-text ||
        nok build-imported-text "$missing paragraphs not in the PDF: $(head -c 120 "$WD/missing")"
else
    nok build-imported "$(grep error "$WD/build.err" | head -2)"
fi

# The .docx article alone: its closing pull quote sits at the foot of the
# last columns and the byline follows the last line of text (below it), not
# alone at the top of a column.
ALONE=$WD/alone
mkdir -p "$ALONE/articles"
cp "$WD/docx/"* "$ALONE/articles/"
printf 'title: Thử\nnumber: 1\ndate: 2021-01-01\narticles:\n  - articles/truong-hoc.md\n' >"$ALONE/issue.yaml"
if "$BIN" build "$ALONE/issue.yaml" -o "$ALONE/o.pdf" >/dev/null 2>&1; then
    pdftotext -bbox "$ALONE/o.pdf" - | awk -F'"' '/>QR\.</ { qr = $4 } />Trang</ { by = $4 }
        END { exit !(qr != "" && by != "" && by + 0 > qr + 0) }' && ok byline-after-text ||
        nok byline-after-text "the byline is not below the last line of text"
else
    nok byline-after-text "the article alone did not build"
fi

# ------------------------------------------------------------ published articles
CORPUS=../shared/corpus/articles
if [ -d "$CORPUS" ]; then
    mkdir -p "$WD/corpus/in" "$WD/corpus/out"
    lost=""
    for f in "$CORPUS"/*.txt; do
        n=$(basename "$f")
        # as a page copy looks: no source line, no caption:/byline: markers
        awk 'NR == 2 && /^source:/ { next } { sub(/^caption: /, ""); sub(/^byline: /, ""); print }' "$f" >"$WD/corpus/in/$n"
        "$BIN" import "$WD/corpus/in/$n" -o "$WD/corpus/out" >"$WD/corpus/$n.report" 2>/dev/null ||
            { lost="$lost $n(failed)"; continue; }
        # every word of the input is in the article or in a dropped line
        # (the report names what was taken off: dropped lines, the date
        # line, gallery numbering; "Ảnh:" becomes the credit key)
        uconv -x any-nfc <"$WD/corpus/in/$n" | words | grep -v -x 'Ảnh' | sort -u >"$WD/corpus/$n.in"
        cat "$WD/corpus/out/${n%.txt}.md" "$WD/corpus/$n.report" | sed 's/\\//g' | words | sort -u >"$WD/corpus/$n.out"
        m=$(comm -23 "$WD/corpus/$n.in" "$WD/corpus/$n.out" | head -3 | tr '\n' ' ')
        [ -n "$m" ] && lost="$lost $n($m)"
    done
    [ -z "$lost" ] && ok corpus-import-keeps-every-word || nok corpus-import-keeps-every-word "$lost"
else
    ok "corpus-import-keeps-every-word # SKIP ../shared/corpus absent"
fi
