#!/usr/bin/env bash
# sigma_input.sh — parse throughput of Varde's Sigma log readers, side by side
# with a peer in the same run: EVTX against libevtx's evtxexport (Debian
# libevtx-utils), JSON lines against jq. Prints events/s and MB/s per CPU
# second (user+sys; the machine may be shared) and Varde/peer ratios.
# Usage: bench/sigma_input.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tool=$build/tests/sigma_input_dump
shared=${VARDE_SHARED:-../shared}
evtx=$shared/data/evtx
[ -x "$tool" ] || { echo "build first: ninja -C $build tests/sigma_input_dump"; exit 2; }
[ -d "$evtx" ] || { echo "skipped: $evtx not found"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu() { # command... -> prints user+sys seconds of the command and its children
  local TIMEFORMAT='%U %S'
  { time "$@" >/dev/null 2>"$tmp/err"; } 2>"$tmp/time" || true
  awk '{ printf "%.3f", $1 + $2 }' "$tmp/time"
}
line() { # name events bytes seconds
  awk -v n="$1" -v e="$2" -v b="$3" -v s="$4" 'BEGIN {
    if (s <= 0) s = 0.001
    printf "  %-34s %9d events %8.1f MB %7.3f s  %10.0f events/s  %7.1f MB/s\n", n, e, b / 1e6, s, e / s, b / s / 1e6 }'
}

echo "== EVTX: whole corpus ($evtx)"
events=$("$tool" --quiet "$evtx" 2>&1 | sed -n 's/.* events \([0-9]*\) .*/\1/p')
bytes=$(find "$evtx" -name '*.evtx' -printf '%s\n' | awk '{s += $1} END {print s}')
ours=$(cpu "$tool" --quiet "$evtx")
line "varde (sigma_input)" "$events" "$bytes" "$ours"
if command -v evtxexport >/dev/null; then
  find "$evtx" -name '*.evtx' -print0 > "$tmp/list"
  peer=$(cpu xargs -0 -n 1 evtxexport -f xml < "$tmp/list")
  line "libevtx evtxexport -f xml" "$events" "$bytes" "$peer"
  awk -v a="$ours" -v b="$peer" 'BEGIN { printf "  ratio varde/libevtx: %.1fx faster\n", b / a }'
else
  echo "  (evtxexport not installed: apt-get install libevtx-utils)"
fi

big=$evtx/DeepBlueCLI/smb-password-guessing-security.evtx
if [ -f "$big" ]; then
  echo "== EVTX: one Security log repeated 20 times ($(basename "$big"))"
  set -- ; for _ in $(seq 20); do set -- "$@" "$big"; done
  ev1=$("$tool" --quiet "$big" 2>&1 | sed -n 's/.* events \([0-9]*\) .*/\1/p')
  ours=$(cpu "$tool" --quiet "$@")
  line "varde (sigma_input)" $((ev1 * 20)) $(( $(stat -c %s "$big") * 20 )) "$ours"
  if command -v evtxexport >/dev/null; then
    peer=$(cpu bash -c 'for f in "$@"; do evtxexport -f xml "$f"; done' _ "$@")
    line "libevtx evtxexport -f xml" $((ev1 * 20)) $(( $(stat -c %s "$big") * 20 )) "$peer"
    awk -v a="$ours" -v b="$peer" 'BEGIN { printf "  ratio varde/libevtx: %.1fx faster\n", b / a }'
  fi
fi

echo "== JSON lines: the corpus' events as flat JSON, repeated to >= 500,000 lines"
"$tool" --dump --quiet "$evtx" > "$tmp/one.jsonl" 2>/dev/null
n=$(wc -l < "$tmp/one.jsonl")
reps=$(( (500000 + n - 1) / n ))
for _ in $(seq "$reps"); do cat "$tmp/one.jsonl"; done > "$tmp/big.jsonl"
events=$(wc -l < "$tmp/big.jsonl")
bytes=$(stat -c %s "$tmp/big.jsonl")
cat "$tmp/big.jsonl" > /dev/null   # page cache
ours=$(cpu "$tool" --quiet "$tmp/big.jsonl")
line "varde (sigma_input)" "$events" "$bytes" "$ours"
if command -v jq >/dev/null; then
  peer=$(cpu jq -c . "$tmp/big.jsonl")
  line "jq -c ." "$events" "$bytes" "$peer"
  awk -v a="$ours" -v b="$peer" 'BEGIN { printf "  ratio varde/jq: %.1fx faster\n", b / a }'
fi
