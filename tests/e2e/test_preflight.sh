#!/bin/sh
# Preflight (`bulletin check` and every build): a low-resolution photo, a
# character no font has, a licensed bulletin without its colophon, and
# --strict; exit codes and the JSON report.
# Usage: sh tests/e2e/test_preflight.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/preflight
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }

# The sample: clean enough to pass, with warnings (RGB photos in print).
"$BIN" check examples/ban-tin-mau/issue.yaml --report "$WD/sample.json" >"$WD/sample.out" 2>&1
st=$?
if [ $st -eq 0 ] && [ ! -e examples/ban-tin-mau/issue.pdf ] && grep -q '"errors": 0' "$WD/sample.json" &&
    grep -q 'is RGB; the print shop' "$WD/sample.out"; then
    ok check-sample
else
    nok check-sample "status $st"
fi
"$BIN" check examples/ban-tin-mau/issue.yaml --strict >/dev/null 2>&1
[ $? -eq 1 ] && ok check-strict || nok check-strict "--strict with warnings did not exit 1"

# A small photo and an emoji.
d=$WD/bad
mkdir -p "$d/articles" "$d/images"
/usr/bin/convert -size 120x80 -seed 1 plasma: -strip "$d/images/nho.jpg" 2>/dev/null ||
    cp examples/ban-tin-mau/images/hoi-nghi.jpg "$d/images/nho.jpg"
cat >"$d/articles/a.md" <<'MD'
---
title: Ảnh nhỏ
images:
  - file: ../images/nho.jpg
    caption: Ảnh chụp bằng điện thoại cũ
---

Bài có một biểu tượng 🧿 mà không phông chữ nào có.
MD
printf 'title: Thử\nnumber: 1\ndate: 2021-01-01\nkind: ban-tin\norganisation: Sở\narticles:\n  - articles/a.md\n' >"$d/issue.yaml"
"$BIN" check "$d/issue.yaml" --report "$WD/bad.json" >"$WD/bad.out" 2>&1
st=$?
grep -q 'articles/a.md:4:11: warning: photo .*nho.jpg.* is [0-9]* ppi at its placed size; print needs 300' "$WD/bad.out" &&
    ok preflight-low-ppi || nok preflight-low-ppi "$(grep -m1 ppi "$WD/bad.out")"
grep -q 'articles/a.md:[0-9]*:[0-9]*: warning: no installed font has the character U+1F9FF' "$WD/bad.out" &&
    ok preflight-missing-glyph || nok preflight-missing-glyph "$(grep -m1 U+ "$WD/bad.out")"
grep -q "error: a bản tin's colophon needs 'licence'" "$WD/bad.out" && [ $st -eq 1 ] &&
    ok preflight-ban-tin-colophon || nok preflight-ban-tin-colophon "status $st"
grep -q '"level": "error"' "$WD/bad.json" && grep -q 'U+1F9FF' "$WD/bad.json" &&
    ok preflight-json || nok preflight-json "findings missing from the report"
# The same findings at build time, as warnings: the PDF is still written;
# with --strict they fail the build and nothing is written.
"$BIN" build "$d/issue.yaml" -o "$WD/bad.pdf" >"$WD/build.out" 2>&1
st=$?
[ $st -eq 0 ] && [ -s "$WD/bad.pdf" ] && grep -q "warning: a bản tin's colophon needs 'licence'" "$WD/build.out" &&
    grep -q 'ppi at its placed size' "$WD/build.out" && ok preflight-at-build ||
    nok preflight-at-build "status $st"
"$BIN" build "$d/issue.yaml" -o "$WD/strict.pdf" --strict >/dev/null 2>&1
st=$?
[ $st -eq 1 ] && [ ! -e "$WD/strict.pdf" ] && ok build-strict || nok build-strict "status $st"
# Screen profile: resolution is no concern there.
"$BIN" check "$d/issue.yaml" --profile screen >"$WD/screen.out" 2>&1
! grep -q 'ppi' "$WD/screen.out" && ok preflight-ppi-print-only || nok preflight-ppi-print-only "ppi reported for screen"
# A layout larger than the legal 19 x 27 cm is an error for a bản tin.
"$BIN" check "$d/issue.yaml" --layout a4-3-cot >"$WD/a4.out" 2>&1
grep -q 'a bản tin may be at most 190 x 270 mm; this layout is 210 x 297 mm' "$WD/a4.out" &&
    ok preflight-ban-tin-trim || nok preflight-ban-tin-trim "$(grep -m1 'may be' "$WD/a4.out")"
exit 0
