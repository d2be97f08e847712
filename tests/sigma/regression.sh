#!/usr/bin/env bash
# regression.sh — SigmaHQ's own regression data as a conformance oracle: every
# rule whose info.yml names a test file must fire on that file (EVTX and the
# evtx_dump JSON twin). Known exceptions, with reasons, are listed in
# regression-exceptions.txt. Output is TAP.
# Usage: regression.sh VARDE SHARED_DIR [EXCEPTIONS_FILE]
set -uo pipefail
varde=$1 shared=$2 exc=${3:-$(dirname "$0")/regression-exceptions.txt}
S=$shared/data/sigma
if [ ! -d "$S/regression_data" ]; then echo "1..0 # SKIP $S/regression_data mangler"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
find "$S/regression_data" -name info.yml | sort > "$tmp/infos"
: > "$tmp/inputs"
while read -r info; do
  d=$(dirname "$info")
  ls "$d"/*.json "$d"/*.evtx 2>/dev/null >> "$tmp/inputs"
done < "$tmp/infos"
rules=()
for r in rules rules-emerging-threats rules-threat-hunting rules-compliance rules-placeholder; do
  [ -d "$S/$r" ] && rules+=(-r "$S/$r")
done
"$varde" detect -q "${rules[@]}" $(cat "$tmp/inputs") > "$tmp/alerts" 2> "$tmp/err"
rc=$?
if [ $rc -eq 2 ]; then echo "1..1"; echo "not ok 1 - varde detect failed"; cat "$tmp/err" >&2; exit 1; fi
# "rule_id source" pairs that fired
sed -n 's/^{"rule_id":"\([^"]*\)".*"source":"\([^"]*\)".*/\1 \2/p' "$tmp/alerts" | sort -u > "$tmp/fired"
n=0 fail=0 pass=0 skip=0
while read -r info; do
  d=$(dirname "$info")
  id=$(sed -n '/rule_metadata:/,$ s/^ *- id: *\([0-9a-f-]*\).*/\1/p' "$info" | head -1)
  for f in "$d"/*.json "$d"/*.evtx; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    rel=${f#"$S"/}
    reason=$(grep -F "$id ${rel##*.} " "$exc" 2>/dev/null | head -1 | cut -d' ' -f3-)
    if grep -qxF "$id $f" "$tmp/fired"; then
      echo "ok $n - $rel"; pass=$((pass + 1))
    elif [ -n "$reason" ]; then
      echo "ok $n - $rel # SKIP $reason"; skip=$((skip + 1))
    else
      echo "not ok $n - $rel (rule $id did not fire)"; fail=$((fail + 1))
    fi
  done
done < "$tmp/infos"
echo "1..$n"
echo "# regression: $pass fired, $skip listed exceptions, $fail failed, of $n" >&2
[ $fail -eq 0 ]
