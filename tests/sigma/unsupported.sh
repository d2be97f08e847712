#!/usr/bin/env bash
# unsupported.sh — `varde detect --list-unsupported` over every SigmaHQ rule
# set: with the placeholder file every rule must load; without it only the
# rules that need |expand placeholders may be refused (and must say so).
# Usage: unsupported.sh VARDE SHARED_DIR PLACEHOLDERS_FILE. Output is TAP.
set -uo pipefail
varde=$1 S=$2/data/sigma ph=$3
if [ ! -d "$S/rules" ]; then echo "1..0 # SKIP $S/rules mangler"; exit 0; fi
rules=()
for r in rules rules-emerging-threats rules-threat-hunting rules-compliance rules-placeholder rules-dfir; do
  [ -d "$S/$r" ] && rules+=(-r "$S/$r")
done
echo "1..3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$varde" detect --list-unsupported --placeholders "$ph" "${rules[@]}" > "$tmp/out" 2> "$tmp/err"; rc=$?
out=$(cat "$tmp/out")
n=$(grep -c ': .*: ' "$tmp/out" || true)
echo "# with placeholders: $(grep "regler lastet" "$tmp/err")"
if [ $rc -eq 0 ]; then echo "ok 1 - every SigmaHQ rule loads"; else echo "not ok 1 - $n rules unsupported"; printf '%s\n' "$out" | head -40 | sed 's/^/# /'; fi
"$varde" detect --list-unsupported "${rules[@]}" > "$tmp/out" 2> "$tmp/err"; rc=$?
out=$(cat "$tmp/out")
bad=$(grep ': .*: ' "$tmp/out" | grep -vc 'unresolved placeholder' || true)
echo "# without placeholders: $(grep "regler lastet" "$tmp/err")"
if [ $rc -eq 1 ] && [ "$bad" -eq 0 ]; then echo "ok 2 - only placeholder rules refused without a placeholder file"
else echo "not ok 2 - rc=$rc, $bad refused for other reasons"; fi
lines=$(grep -c . "$tmp/out" || true)
badfmt=$(grep -vcE '^[^:]+\.ya?ml:[1-9][0-9]*: .+: .+' "$tmp/out" || true)
if [ "$lines" -gt 0 ] && [ "$badfmt" -eq 0 ]; then echo "ok 3 - every refusal reads FILE:LINE: TITLE: REASON"
else echo "not ok 3 - $badfmt of $lines refusals lack FILE:LINE: TITLE: REASON"; fi
