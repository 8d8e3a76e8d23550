#!/bin/sh
# run-fuzz.sh — run one libFuzzer harness for a given time on a copy of its corpus
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/fuzz/run-fuzz.sh TARGET SECONDS [BUILD_DIR]
#   TARGET     csv, model or row
#   SECONDS    total fuzzing time
#   BUILD_DIR  build directory configured with CC=clang -Dfuzzing=true
#              (default: build-fuzz next to the sources)
# Environment: FUZZ_MAX_LEN overrides the input size limit; FUZZ_CORPUS names
# a corpus directory of an earlier run to continue from (added to the seeds).
# The seed corpus is copied to a temporary directory, so the source tree
# stays clean; new inputs and crash files stay there and are printed.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 csv|model|row SECONDS [BUILD_DIR]" >&2
  exit 2
fi
target=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
build=${3:-$here/../../build-fuzz}
fuzzer=$build/tests/fuzz/fuzz-$target

# Inputs larger than a realistic file of each kind only slow the search:
# a pasted sample is a few lines, a small model a few kB.
case $target in
  csv) max_len=16384 ;;
  model) max_len=32768 ;;
  row) max_len=4096 ;;
  *) echo "$0: unknown target '$target' (csv, model or row)" >&2; exit 2 ;;
esac
max_len=${FUZZ_MAX_LEN:-$max_len}
if [ ! -x "$fuzzer" ]; then
  echo "$0: $fuzzer not found; build it with:" >&2
  echo "  CC=clang meson setup build-fuzz -Dfuzzing=true && ninja -C build-fuzz" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/healer-fuzz-$target.XXXXXX")
mkdir -p "$work/corpus" "$work/artifacts"
cp "$here/corpus-$target"/* "$work/corpus/"
if [ -n "${FUZZ_CORPUS:-}" ]; then
  cp "$FUZZ_CORPUS"/* "$work/corpus/"
fi
log=$work/fuzz.log

echo "fuzz-$target: ${seconds}s, max_len $max_len, working directory $work"
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$fuzzer" "$work/corpus" \
    -dict="$here/healer.dict" \
    -max_len=$max_len \
    -max_total_time="$seconds" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" \
    -print_final_stats=1 \
    >"$log" 2>&1 || status=$?

# The last status line carries the totals: "#N  DONE  cov: C ft: F corp: …".
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
execs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' || true)
echo "last status: $last"
echo "executions: ${execs:-$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')}"
echo "coverage: $(echo "$last" | grep -oE 'cov: [0-9]+ ft: [0-9]+' || echo unknown)"
echo "corpus: $(ls "$work/corpus" | wc -l) files"
crashes=$(ls "$work/artifacts" 2>/dev/null || true)
if [ -n "$crashes" ]; then
  echo "CRASH FILES:"
  for f in $crashes; do echo "  $work/artifacts/$f"; done
  grep -E 'ERROR: |runtime error|SUMMARY' "$log" | head -n 5
else
  echo "crashes: none"
fi
echo "log: $log"
exit $status
