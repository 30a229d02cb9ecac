#!/bin/sh
# CLI checks: `bulletin fonts`, help, and an installed copy that finds its
# layouts and fontconfig file away from the source tree.
# Usage: sh tests/e2e/test_cli.sh BULLETIN WORKDIR
set -u
BIN=$1
WD=$2/cli
rm -rf "$WD" && mkdir -p "$WD"
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1: $2"; }

out=$("$BIN" fonts 2>"$WD/fonts.err")
status=$?
if [ $status -eq 0 ] && [ ! -s "$WD/fonts.err" ] &&
    echo "$out" | grep -q '^body  *bulletin-serif 400  *.*LiberationSerif-Regular.ttf  *complete$' &&
    echo "$out" | grep -q '^headline  *bulletin-sans 700  *.*NotoSans-Bold.ttf  *complete$'; then
    ok fonts-roles
else
    nok fonts-roles "status $status; $(echo "$out" | head -5 | tr '\n' '|')"
fi

printf 'Chữ Việt: ấ ầ ẩ ẫ ậ và ký tự riêng \356\200\200\n' > "$WD/text.txt"
out=$("$BIN" fonts --text "$WD/text.txt" 2>&1)
if echo "$out" | grep -q "characters no font has: $(printf '\356\200\200')"; then
    ok fonts-text-coverage
else
    nok fonts-text-coverage "$(echo "$out" | tail -1)"
fi

if "$BIN" --help | grep -q 'bulletin build ISSUE.yaml' && "$BIN" help build | grep -q -- '--layout' &&
    "$BIN" build --help | grep -q -- '-o, --output'; then
    ok help
else
    nok help "help text missing"
fi

"$BIN" fonts --bogus >/dev/null 2>&1
[ $? -eq 2 ] && ok fonts-bad-usage || nok fonts-bad-usage "unknown option did not exit 2"

# make install into a scratch prefix, then build the sample from elsewhere.
prefix=$(cd "$WD" && pwd)/prefix
if make -s install PREFIX="$prefix" >"$WD/install.log" 2>&1 &&
    [ -x "$prefix/bin/bulletin" ] && [ -f "$prefix/share/bulletin/layouts/ban-tin.yaml" ] &&
    [ -f "$prefix/share/bulletin/fonts/bulletin.conf" ]; then
    sample=$(pwd)/examples/ban-tin-mau/issue.yaml
    if (cd / && env -u BULLETIN_DATADIR "$prefix/bin/bulletin" build "$sample" \
            -o "$prefix/out.pdf") 2>"$WD/installed.err" && pdfinfo "$prefix/out.pdf" >/dev/null 2>&1 &&
        (cd / && env -u BULLETIN_DATADIR "$prefix/bin/bulletin" fonts) | grep -q "$prefix/share/bulletin/fonts/bulletin.conf"; then
        ok installed-binary
    else
        nok installed-binary "$(head -2 "$WD/installed.err")"
    fi
    # `bulletin import` finds bulletin-import in PREFIX/lib/bulletin.
    mkdir -p "$prefix/imported"
    fixture=$(pwd)/tests/import/tin-ngan.txt
    if (cd / && "$prefix/bin/bulletin" import "$fixture" -o "$prefix/imported") \
            >/dev/null 2>"$WD/installed-import.err" &&
        cmp -s "$prefix/imported/tin-ngan.md" tests/import/tin-ngan.expected.md; then
        ok installed-import
    else
        nok installed-import "$(grep error "$WD/installed-import.err" | head -2)"
    fi
else
    nok installed-binary "make install failed: $(tail -2 "$WD/install.log")"
fi
