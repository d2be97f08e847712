#!/usr/bin/env bash
# check.sh — build Varde twice (normal, and AddressSanitizer + UBSan) and run
# every test suite against both, then run each fuzz target for a short time.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
passed=0 failed=0 failures=()

setup() { # dir, meson options...
  local dir=$1; shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null || return 1
  ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
}

run_suite() { # name, build dir
  local name=$1 dir=$2 json
  echo "== tests: $name"
  meson test -C "$dir" --print-errorlogs --num-processes 2 | grep -vE '^(ninja|\s*$)'
  json="$dir/meson-logs/testlog.json"
  local p f
  p=$(grep -c '"result": "OK"' "$json" || true)
  f=$(grep -cE '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$json" || true)
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -eq 0 ] || failures+=("$name")
}

setup build || { echo "bygget feilet"; exit 2; }
run_suite normal build

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug || { echo "sanitizer-bygget feilet"; exit 2; }
run_suite sanitizers build-asan

if command -v clang >/dev/null; then
  echo "== fuzz (${FUZZ_SECONDS}s per mål)"
  CC=clang setup build-fuzz -Dfuzz=true -Dbuildtype=debug || { echo "fuzz-bygget feilet"; exit 2; }
  for t in build-fuzz/fuzz/fuzz_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue   # skip Meson's fuzz_*.p object dirs
    name=$(basename "$t"); corpus="fuzz/corpus/${name#fuzz_}"
    mkdir -p "build-fuzz/corpus/$name"
    args=("build-fuzz/corpus/$name"); [ -d "$corpus" ] && args+=("$corpus")
    if "$t" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=0 \
         "${args[@]}" >"build-fuzz/$name.log" 2>&1; then
      echo "ok: $name"; passed=$((passed + 1))
    else
      echo "FEIL: $name (se build-fuzz/$name.log)"; tail -30 "build-fuzz/$name.log"
      failed=$((failed + 1)); failures+=("$name")
    fi
  done
fi

echo
[ ${#failures[@]} -eq 0 ] || echo "Feilet: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
