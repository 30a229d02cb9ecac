#!/bin/sh
# Usage: deps.sh LIB-PACKAGES... -- TOOL-PACKAGES...
# Checks that the build libraries (pkg-config) and the fonts and PDF tools
# the tests use are present; installs the missing Debian packages when run
# as root, otherwise prints the exact command to run.
set -u
missing=""
for pc in harfbuzz harfbuzz-subset freetype2 fontconfig libcmark yaml-0.1 libunibreak \
          libutf8proc libpng libjpeg icu-i18n icu-uc zlib libzip libxml-2.0; do
    if ! pkg-config --exists "$pc" 2>/dev/null; then missing="yes"; fi
done
[ -f /usr/include/hpdf.h ] || missing="yes"
[ -x /usr/bin/convert ] && [ -x /usr/bin/time ] || missing="yes"
[ -f /usr/share/color/icc/sRGB.icc ] || missing="yes"
[ -f /usr/share/java/preflight.jar ] && [ -f /usr/share/java/jaxb-api.jar ] || missing="yes"
command -v java >/dev/null 2>&1 || missing="yes"
command -v clang >/dev/null 2>&1 && command -v valgrind >/dev/null 2>&1 || missing="yes"
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || missing="yes"
for tool in qpdf pdffonts pdftotext pdfinfo pdfimages uconv mutool zip; do
    command -v "$tool" >/dev/null 2>&1 || missing="yes"
done
for font in /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf \
            /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf; do
    [ -f "$font" ] || missing="yes"
done
[ -n "$missing" ] || exit 0
pkgs=$(echo "$@" | sed 's/ -- / /')
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing $pkgs"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $pkgs >/dev/null \
        || { echo "deps: apt-get failed" >&2; exit 1; }
else
    echo "deps: missing packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y $pkgs" >&2
    exit 1
fi
