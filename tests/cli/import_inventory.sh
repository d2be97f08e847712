#!/bin/sh
# import_inventory.sh — runs the real `varde import inventory`: dry run
# stores nothing, row errors give exit 1 and name the line, a rerun changes
# nothing, export imports back unchanged, CycloneDX, usage errors exit 2.
# Usage: import_inventory.sh VARDE
set -u
VARDE=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export VARDE_DB="$TMP/v.db"
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
expect() { # description, wanted exit code, command...
  desc=$1 want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$desc"; else no "$desc (exit $got, want $want)"; cat "$TMP/err" "$TMP/out" >&2; fi
}
has() { # description, file, text
  if grep -qF -- "$3" "$2"; then ok "$1"; else no "$1"; echo "--- $2:" >&2; cat "$2" >&2; fi
}

"$VARDE" init >/dev/null 2>&1 || { echo "Bail out! varde init failed"; exit 1; }
"$VARDE" org add --kind national --name Senter >/dev/null
"$VARDE" org add --kind region --name Region --parent Senter >/dev/null
"$VARDE" org add --kind municipality --name "Prøvestad kommune" --number 3401 --parent Region >/dev/null

# Norwegian Excel: BOM, semicolons, CRLF, Windows-1252 (ø = 0xf8)
printf '\357\273\277type;navn;kritikalitet;produsent;produkt;versjon;cpe;adresser;internettvendt;avhenger_av\r\n' > "$TMP/ok.csv"
printf 'tjeneste;Byggesak;h\303\270y;;;;;;;system:Sak/arkiv\r\n' >> "$TMP/ok.csv"
printf 'system;Sak/arkiv;;;;;;;;programvare:WebSak 7.0 | maskin:sak01\r\n' >> "$TMP/ok.csv"
printf 'programvare;WebSak 7.0;;Acos;WebSak;7.0;;;;\r\n' >> "$TMP/ok.csv"
printf 'maskin;sak01;;;;;;10.0.0.5;nei;\r\n' >> "$TMP/ok.csv"
printf 'type;navn;kritikalitet\r\ntjeneste;Sykehjem;kritisk\r\ntjeneste;Skyss;99\r\n' > "$TMP/bad.csv"
printf 'type;navn;kritikalitet\r\ntjeneste;V\370r;2\r\n' > "$TMP/cp1252.csv"

expect "dry run" 0 "$VARDE" import inventory "$TMP/ok.csv" --org 3401 --dry-run
has "dry run says what it would do" "$TMP/out" "ville opprettet tjeneste «Byggesak»"
has "dry run summary" "$TMP/out" "Prøvekjøring (ingenting lagret)"
expect "export after dry run" 0 "$VARDE" import inventory --export --org 3401
if grep -q Byggesak "$TMP/out"; then no "dry run stored nothing"; else ok "dry run stored nothing"; fi
expect "real import" 0 "$VARDE" import inventory "$TMP/ok.csv" --org 3401
has "created" "$TMP/out" "opprettet tjeneste «Byggesak»"
expect "rerun" 0 "$VARDE" import inventory "$TMP/ok.csv" --org "Prøvestad kommune"
has "rerun changes nothing" "$TMP/out" "4 rader: 0 nye, 0 endrede, 4 uendrede, 0 feil."
expect "export" 0 "$VARDE" import inventory --export --org 3401
cp "$TMP/out" "$TMP/export.csv"
has "export has the dependency" "$TMP/export.csv" "system;Sak/arkiv;"
expect "export imports back" 0 "$VARDE" import inventory "$TMP/export.csv" --org 3401
has "unchanged" "$TMP/out" "0 nye, 0 endrede"
expect "row errors exit 1" 1 "$VARDE" import inventory "$TMP/bad.csv" --org 3401
has "error names the line" "$TMP/out" "linje 3: feil: Kritikalitet må være 1–5"
has "good row kept" "$TMP/out" "opprettet tjeneste «Sykehjem»"
expect "Windows-1252" 0 "$VARDE" import inventory "$TMP/cp1252.csv" --org 3401
has "converted to UTF-8" "$TMP/out" "«Vør»"
printf '{"bomFormat":"CycloneDX","metadata":{"component":{"name":"Portal"}},"components":[{"name":"openssl","version":"3.0.7","cpe":"cpe:2.3:a:openssl:openssl:3.0.7:*:*:*:*:*:*:*"}]}' > "$TMP/sbom.json"
expect "CycloneDX" 0 "$VARDE" import inventory "$TMP/sbom.json" --org 3401
has "component became a product" "$TMP/out" "opprettet programvare «openssl 3.0.7»"
has "SBOM component became a system" "$TMP/out" "opprettet system «Portal»"
printf 'not,an,inventory\n1,2,3\n' > "$TMP/junk.csv"
expect "file without usable columns" 2 "$VARDE" import inventory "$TMP/junk.csv" --org 3401
expect "missing --org" 2 "$VARDE" import inventory "$TMP/ok.csv"
expect "unknown organisation" 2 "$VARDE" import inventory "$TMP/ok.csv" --org 9999
expect "missing file" 2 "$VARDE" import inventory "$TMP/nope.csv" --org 3401
expect "help" 0 "$VARDE" import inventory --help
has "help names the exit codes" "$TMP/out" "Avslutningskoder"
echo "1..$n"
exit $fail
