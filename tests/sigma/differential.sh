#!/usr/bin/env bash
# differential.sh — the fast engine (Hyperscan, prefilter, caches) and the
# slow reference evaluator (reference.c: direct per-rule tree walk) must
# produce the same alert set — (rule id, source, record) — with all SigmaHQ
# rules over the EVTX corpus. Usage: differential.sh VARDE SHARED_DIR [SUBSET]
# SUBSET limits the corpus to the first N files (used under sanitizers).
set -uo pipefail
varde=$1 shared=$2 subset=${3:-0}
S=$shared/data/sigma E=$shared/data/evtx
if [ ! -d "$E" ] || [ ! -d "$S/rules" ]; then echo "1..0 # SKIP $E eller $S mangler"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rules=()
for r in rules rules-emerging-threats rules-threat-hunting rules-compliance; do
  [ -d "$S/$r" ] && rules+=(-r "$S/$r")
done
find "$E" -name '*.evtx' | LC_ALL=C sort > "$tmp/files"
if [ "$subset" -gt 0 ]; then   # every k-th file, so each collection is represented
  total=$(wc -l < "$tmp/files"); step=$(( (total + subset - 1) / subset )); [ $step -lt 1 ] && step=1
  awk -v s="$step" '(NR - 1) % s == 0' "$tmp/files" > "$tmp/f2"; mv "$tmp/f2" "$tmp/files"
fi
mapfile -t files < "$tmp/files"
echo "1..2"
for eng in fast reference; do
  "$varde" detect -q --engine "$eng" "${rules[@]}" "${files[@]}" > "$tmp/$eng.jsonl"
  rc=$?
  [ $rc -le 1 ] || { echo "not ok 1 - $eng engine failed ($rc)"; exit 1; }
  sed -n 's/^{"rule_id":"\([^"]*\)".*"source":"\([^"]*\)","record":\([0-9]*\).*/\1 \2 \3/p' "$tmp/$eng.jsonl" |
    LC_ALL=C sort > "$tmp/$eng.set"
done
n=$(wc -l < "$tmp/fast.set")
if [ "$n" -gt 0 ]; then echo "ok 1 - fast engine raised $n alerts over ${#files[@]} files"
else echo "not ok 1 - no alerts at all over ${#files[@]} files"; fi
if cmp -s "$tmp/fast.set" "$tmp/reference.set"; then
  echo "ok 2 - reference evaluator gives the same $n alerts"
else
  echo "not ok 2 - alert sets differ"
  diff "$tmp/fast.set" "$tmp/reference.set" | head -20 | sed 's/^/# /'
  exit 1
fi
