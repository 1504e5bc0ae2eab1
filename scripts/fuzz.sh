#!/usr/bin/env bash
# Long fuzzing run of the native core (not part of `npm test`). One command:
#
#   scripts/fuzz.sh                      # proptest 100k cases/property + libFuzzer 120 s/target
#   PROPTEST_CASES=1000000 FUZZ_SECONDS=900 scripts/fuzz.sh
#   FUZZ_TARGETS="handle redirect" FUZZ_SANITIZER=address scripts/fuzz.sh
#   PROPTEST_CASES=0 ...   skips proptest;   FUZZ_SECONDS=0 ...   skips libFuzzer
#
# 1. The proptest properties in tests/prop_*.rs (release build) with PROPTEST_CASES cases each.
# 2. If a nightly toolchain and cargo-fuzz are installed (`cargo install cargo-fuzz`), each
#    libFuzzer target in fuzz/fuzz_targets/ for FUZZ_SECONDS, corpus kept in fuzz/corpus/<target>.
#    FUZZ_SANITIZER: none (default: several times faster; the code under test is safe Rust, so a
#    panic — not memory corruption — is what is being hunted) or address.
# Every run appends one line per target to fuzz/runs.tsv:
#   date  engine  target  executions  seconds  result
# docs/HOSTILE.md totals these. Exit status is non-zero if anything failed or panicked.
set -uo pipefail
cd "$(dirname "$0")/.."

CASES="${PROPTEST_CASES:-100000}"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-120}"
SANITIZER="${FUZZ_SANITIZER:-none}"
TARGETS="${FUZZ_TARGETS:-cookies open redirect router handle}"
LOG=fuzz/runs.tsv
status=0
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
[ -f "$LOG" ] || printf 'date\tengine\ttarget\texecutions\tseconds\tresult\n' > "$LOG"

# proptest file -> fuzz target name, and how many properties it holds (executions = cases × that).
declare -A PROP_TARGET=([prop_cookies]=cookies [prop_crypto]=open [prop_redirect]=redirect [prop_router]=router [prop_handle]=handle)

[ "$CASES" = 0 ] || echo "== proptest: PROPTEST_CASES=$CASES (release)"
for file in prop_cookies prop_crypto prop_redirect prop_router prop_handle; do
  target="${PROP_TARGET[$file]}"
  case " $TARGETS " in *" $target "*) ;; *) continue ;; esac
  [ "$CASES" = 0 ] && continue
  start=$(date +%s)
  out=$(PROPTEST_CASES="$CASES" cargo test --release --config profile.release.lto=false --config profile.release.codegen-units=16 --quiet --test "$file" 2>&1)
  rc=$?
  secs=$(( $(date +%s) - start ))
  # Properties are the proptest! tests; plain #[test]s in the file run once and are not counted.
  props=$(awk '/^proptest! *\{/ { inside = 1; next } inside && /^\}/ { inside = 0 } inside && /^[[:space:]]*fn / { n++ } END { print n + 0 }' "tests/$file.rs")
  execs=$(( CASES * ${props:-0} ))
  result=ok
  # A failed property stops early: its executions are unknown, so none are counted.
  if [ $rc -ne 0 ]; then result=FAILED; status=1; execs=0; printf '%s\n' "$out" | tail -40; fi
  printf '%s\tproptest\t%s\t%s\t%s\t%s\n' "$(now)" "$target" "$execs" "$secs" "$result" | tee -a "$LOG"
done

[ "$SECONDS_PER_TARGET" = 0 ] && exit $status
if ! rustup run nightly rustc --version >/dev/null 2>&1 || ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== cargo-fuzz skipped: needs a nightly toolchain and \`cargo install cargo-fuzz\`"
  exit $status
fi

echo "== libFuzzer: ${SECONDS_PER_TARGET}s per target, sanitizer=$SANITIZER"
(cd fuzz && cargo +nightly fuzz build -O -s "$SANITIZER" >/dev/null 2>&1) || { echo "fuzz build failed"; exit 1; }
for target in $TARGETS; do
  mkdir -p "fuzz/corpus/$target"
  start=$(date +%s)
  out=$(cd fuzz && cargo +nightly fuzz run -O -s "$SANITIZER" "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 2>&1)
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1/p' | tail -1)
  result=ok
  if [ $rc -ne 0 ]; then result=FAILED; status=1; printf '%s\n' "$out" | grep -vE '^#[0-9]' | tail -40; fi
  printf '%s\tlibfuzzer-%s\t%s\t%s\t%s\t%s\n' "$(now)" "$SANITIZER" "$target" "${execs:-0}" "$secs" "$result" | tee -a "$LOG"
done

echo "== totals per target (all runs in $LOG)"
awk -F'\t' 'NR > 1 { n[$3] += $4; if ($6 != "ok") bad[$3]++ } END { for (t in n) printf "  %-9s %14d executions  %d failed runs\n", t, n[t], bad[t] }' "$LOG"
exit $status
