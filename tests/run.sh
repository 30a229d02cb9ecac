#!/bin/sh
# Runs every test and ends with "N passed, N failed".
# Usage: tests/run.sh OBJDIR   (BULLETIN_BIN overrides ./bulletin)
set -u
objdir=${1:-build/release}
bin=${BULLETIN_BIN:-./bulletin}
work=tests/out
rm -rf "$work" && mkdir -p "$work"
log="$work/results.txt"
: > "$log"

run() { # name command...
    name=$1; shift
    "$@" > "$work/$name.out" 2> "$work/$name.stderr"
    status=$?
    cat "$work/$name.out" >> "$log"
    # A failing check prints "not ok"; a crash or sanitizer report may not.
    if [ $status -ne 0 ] && ! grep -q '^not ok' "$work/$name.out"; then
        echo "not ok - $name exited with status $status (see $work/$name.stderr)" >> "$log"
    fi
}

for t in "$objdir"/tests/test_*; do
    [ -x "$t" ] || continue
    run "$(basename "$t")" ${VALGRIND:+valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp} "$t"
done
for t in manifest article template text import; do
    r="$objdir/fuzz/replay_$t"
    [ -x "$r" ] || continue
    run "replay_$t" ${VALGRIND:+valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp} \
        "$r" "$t" "tests/fuzz/corpus/$t" "tests/fuzz/crashes/$t"
done
mkdir -p "$work/e2e"
for s in tests/e2e/*.sh; do
    [ -f "$s" ] || continue
    run "$(basename "$s" .sh)" sh "$s" "$bin" "$work/e2e"
done

grep -a '^not ok' "$log" || true
passed=$(grep '^ok' "$log" | grep -vc '# SKIP')
skipped=$(grep '^ok' "$log" | grep -c '# SKIP')
failed=$(grep -c '^not ok' "$log")
if [ "$skipped" -gt 0 ]; then
    grep '# SKIP' "$log"
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
