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
out=$("$varde" detect --list-unsupported --placeholders "$ph" "${rules[@]}" 2>&1); rc=$?
n=$(printf '%s\n' "$out" | grep -c ': .*: ' || true)
echo "# with placeholders: $(printf "%s\n" "$out" | grep "regler lastet")" 
if [ $rc -eq 0 ]; then echo "ok 1 - every SigmaHQ rule loads"; else echo "not ok 1 - $n rules unsupported"; printf '%s\n' "$out" | head -40 | sed 's/^/# /'; fi
out=$("$varde" detect --list-unsupported "${rules[@]}" 2>&1); rc=$?
bad=$(printf '%s\n' "$out" | grep ': .*: ' | grep -vc 'unresolved placeholder' || true)
echo "# without placeholders: $(printf "%s\n" "$out" | grep "regler lastet")"
if [ $rc -eq 1 ] && [ "$bad" -eq 0 ]; then echo "ok 2 - only placeholder rules refused without a placeholder file"
else echo "not ok 2 - rc=$rc, $bad refused for other reasons"; fi
if printf '%s\n' "$out" | grep -q '^\.\./\|^/' ; then echo "ok 3 - refusals name file and line"
elif printf '%s\n' "$out" | grep -q ':[0-9]*: '; then echo "ok 3 - refusals name file and line"
else echo "not ok 3 - no file:line in listing"; fi
