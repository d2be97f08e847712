#!/bin/sh
# import_framework.sh — runs the real `varde import framework[-csv]` binary:
# shipped frameworks pass, bad files fail with FILE:LINE, exit codes as documented.
# Usage: import_framework.sh VARDE SOURCE_ROOT
set -u
VARDE=$1
ROOT=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
expect() { # description, wanted exit code, command...
  desc=$1 want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$desc"; else no "$desc (exit $got, want $want)"; cat "$TMP/err" >&2; fi
}
has() { # description, file, text
  if grep -qF -- "$3" "$2"; then ok "$1"; else no "$1"; echo "--- $2:" >&2; cat "$2" >&2; fi
}

for f in "$ROOT"/frameworks/*.yaml; do
  expect "$(basename "$f") validates" 0 "$VARDE" import framework "$f" --check
  has "$(basename "$f") summary" "$TMP/out" ": OK"
done

D=$ROOT/tests/data/frameworks
expect "duplicate ref_id fails" 2 "$VARDE" import framework "$D/dup_ref.yaml" --check
has "error names file and line" "$TMP/err" "dup_ref.yaml:14: feil: ref_id «1» finnes allerede"
DB=$TMP/v.db
expect "without --check: stored in the database" 0 "$VARDE" import framework "$ROOT/frameworks/ks-2021.yaml" --db "$DB"
has "says it was stored" "$TMP/out" "Lagret i databasen"
expect "same file again: nothing new" 0 "$VARDE" import framework "$ROOT/frameworks/ks-2021.yaml" --db "$DB"
has "says it exists" "$TMP/out" "Finnes allerede"
expect "small framework v1 stored" 0 "$VARDE" import framework "$D/good_small.yaml" --db "$DB"
expect "small framework v2 stored beside it" 0 "$VARDE" import framework "$D/v2_small.yaml" --db "$DB"
has "stored mapping printed" "$TMP/out" "added   "
n_versions=$(sqlite3 "$DB" "SELECT count(*) FROM assess_frameworks WHERE urn = (SELECT urn FROM assess_frameworks WHERE nitems < 10 ORDER BY id LIMIT 1)" 2>/dev/null || echo "?")
if [ "$n_versions" = 2 ]; then ok "both versions kept"; else no "both versions kept ($n_versions)"; fi
expect "missing file fails" 2 "$VARDE" import framework "$TMP/nope.yaml" --check
expect "help" 0 "$VARDE" import framework --help
has "help in Norwegian" "$TMP/out" "Avslutningskoder"
expect "import help lists kinds" 0 "$VARDE" import --help
has "framework-csv listed" "$TMP/out" "framework-csv"
expect "unknown kind" 2 "$VARDE" import nonsense

expect "mapping from an older version" 0 "$VARDE" import framework "$D/v2_small.yaml" --check --previous "$D/good_small.yaml"
has "mapping lists the new item" "$TMP/out" "+ 1.2 Nytt punkt"

expect "export to file" 0 "$VARDE" import framework "$ROOT/frameworks/nsm-grunnprinsipper.yaml" --check --output "$TMP/nsm.yaml"
expect "exported file validates" 0 "$VARDE" import framework "$TMP/nsm.yaml" --check

C=$ROOT/tests/data/csv
expect "CSV measures by URN from a library" 0 "$VARDE" import framework-csv "$C/measures_good.csv" \
  --framework urn:varde:framework:nsm-grunnprinsipper --library "$ROOT/frameworks" --check --output "$TMP/ext.yaml"
has "CSV summary" "$TMP/out" "3 tiltak lagt under"
expect "extended framework validates" 0 "$VARDE" import framework "$TMP/ext.yaml" --check
has "extended has three levels" "$TMP/out" "nivå 3: 3"
expect "CSV bad rows fail" 2 "$VARDE" import framework-csv "$C/measures_bad.csv" \
  --framework-file "$ROOT/frameworks/nsm-grunnprinsipper.yaml" --check
has "row number in CSV error" "$TMP/err" "measures_bad.csv: rad 3: feil: tiltak 9.9.1: ukjent prinsipp"
has "nothing imported" "$TMP/err" "ingen tiltak er lagt inn"
expect "unknown framework URN" 2 "$VARDE" import framework-csv "$C/measures_good.csv" \
  --framework urn:varde:framework:finnes-ikke --library "$ROOT/frameworks" --check
expect "CSV with a file but no --check: needs --framework URN" 2 "$VARDE" import framework-csv "$C/measures_good.csv" \
  --framework-file "$ROOT/frameworks/nsm-grunnprinsipper.yaml" --db "$DB"
expect "NSM framework stored" 0 "$VARDE" import framework "$ROOT/frameworks/nsm-grunnprinsipper.yaml" --db "$DB"
expect "CSV stored as a national layer" 0 "$VARDE" import framework-csv "$C/measures_good.csv" \
  --framework urn:varde:framework:nsm-grunnprinsipper --db "$DB"
has "layer summary" "$TMP/out" "3 tiltak som nasjonalt lag"
expect "CSV bad rows: nothing stored" 2 "$VARDE" import framework-csv "$C/measures_bad.csv" \
  --framework urn:varde:framework:nsm-grunnprinsipper --db "$DB"
layers=$(sqlite3 "$DB" "SELECT count(*) FROM assess_fw_layers" 2>/dev/null || echo "?")
if [ "$layers" = 1 ]; then ok "exactly one layer stored"; else no "exactly one layer stored ($layers)"; fi

echo "1..$n"
exit $fail
