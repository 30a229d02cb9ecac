#!/bin/sh
# Turns ../shared/corpus/articles/*.txt (published articles, not in the
# repository) into an issue for measuring; nothing is copied into the tree.
# Usage: tests/typo/corpus_issue.sh CORPUS_DIR OUT_DIR
set -eu
corpus=$1
out=$2
mkdir -p "$out/articles"
{
    echo "title: Văn bản thật"
    echo "number: 1"
    echo "date: 2025-05-01"
    echo "articles:"
} >"$out/issue.yaml"
for f in "$corpus"/articles/*.txt; do
    case "$f" in *.nfd.txt) continue ;; esac
    b=$(basename "$f" .txt)
    {
        echo "---"
        printf 'title: "%s"\n' "$(head -1 "$f" | sed 's/\\/\\\\/g; s/"/\\"/g')"
        echo "---"
        echo
        # Captions and bylines become plain paragraphs; Markdown markers in
        # the text are escaped so they print as written.
        tail -n +4 "$f" | sed 's/^caption: //; s/^byline: //; s/^\([-+*#>]\)/\\\1/; s/^\([0-9]*\)\. /\1\\. /'
    } >"$out/articles/$b.md"
    echo "  - articles/$b.md" >>"$out/issue.yaml"
done
