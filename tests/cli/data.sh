#!/usr/bin/env bash
# data.sh — integration tests of found-data's commands against the real
# binary: init, org, demo (idempotent), check (tamper detection names the
# entry), newer-schema refusal, backup while writing, and a failed write
# (file size limit) that leaves the database intact. Output is TAP.
set -uo pipefail
VARDE=${1:?usage: data.sh PATH-TO-VARDE}
SHARED=${VARDE_SHARED:-}
T=$(mktemp -d /tmp/varde-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"; }
expect() { # description, wanted exit code, output pattern (grep -E), command...
  local what=$1 want=$2 pat=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$want" ]; then no "$what (exit $rc, ventet $want)" "$out"; return; fi
  if [ -n "$pat" ] && ! grep -qE -- "$pat" <<<"$out"; then no "$what (mangler /$pat/)" "$out"; return; fi
  ok "$what"
}
sql() { sqlite3 -batch "$@"; }

DB=$T/v.db
expect "init oppretter" 0 "Opprettet databasen" "$VARDE" init --db "$DB"
expect "init igjen er trygt" 0 "er klar" "$VARDE" init --db "$DB"
expect "ukjent valg gir 2" 2 "ukjent valg" "$VARDE" init --db "$DB" --nope
expect "--help for org add" 0 "--kind TYPE" "$VARDE" org add --help
for c in init org backup check demo user; do expect "--help for $c" 0 "Bruk: varde $c" "$VARDE" $c --help; done
expect "manglende database" 2 "varde init" "$VARDE" org list --db "$T/finnes-ikke.db"
expect "org add nasjonal" 0 "id 1" "$VARDE" org add --db "$DB" --kind national --name "Senter"
expect "org add region" 0 "" "$VARDE" org add --db "$DB" --kind region --name "Region A" --parent Senter
expect "org add kommune" 0 "" "$VARDE" org add --db "$DB" --kind kommune --name "Kommune B" --number 3442 --parent "Region A"
expect "ugyldig kommunenummer" 2 "fire sifre" "$VARDE" org add --db "$DB" --kind kommune --name X --number 12a4 --parent "#2"
expect "ugyldig orgnr" 2 "kontrollsiffer" "$VARDE" org add --db "$DB" --kind supplier --name Y --orgnr 974760674
expect "fiendtlig navn lagres som tekst" 0 "" "$VARDE" org add --db "$DB" --kind supplier --name "x'); DROP TABLE organisations;--"
expect "flytting inn i eget undertre nektes" 2 "egne underorganisasjoner" "$VARDE" org move --db "$DB" "Region A" 3442
expect "org list viser treet" 0 "    #3 Kommune B" "$VARDE" org list --db "$DB"
expect "check på ren database" 0 "Alt i orden" "$VARDE" check --db "$DB"

# Tampering with the audit log: the trigger refuses, a determined editor
# drops it first, and check names the first broken entry.
if sql "$DB" "UPDATE audit_log SET details = 'x' WHERE id = 2" 2>/dev/null; then
  no "trigger stopper UPDATE"
else ok "trigger stopper UPDATE"; fi
cp "$DB" "$T/before.db"
sql "$DB" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = 'endret' WHERE id = 2"
expect "check finner endret oppføring 2" 1 "brutt ved oppføring 2 .*innholdet er endret" "$VARDE" check --db "$DB"
expect "check melder fjernet trigger" 1 "triggere" "$VARDE" check --db "$DB"
cp "$T/before.db" "$DB"
sql "$DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3"
expect "check finner slettet oppføring" 1 "brutt ved oppføring 4 .*mangler" "$VARDE" check --db "$DB"
cp "$T/before.db" "$DB"

# A database from a newer Varde is refused and left alone.
cp "$DB" "$T/new.db"
sql "$T/new.db" "INSERT INTO schema_version VALUES (999, 'fremtid', 0)"
sum=$(md5sum <"$T/new.db")
expect "nyere skjema nektes" 2 "skjemaversjon 999" "$VARDE" org list --db "$T/new.db"
expect "nyere skjema nektes av init" 2 "Oppgrader varde" "$VARDE" init --db "$T/new.db"
[ "$sum" = "$(md5sum <"$T/new.db")" ] && ok "nyere database er uendret" || no "nyere database er uendret"

# Backup while another process writes.
( for i in $(seq 1 40); do "$VARDE" org add --db "$DB" --kind supplier --name "Skriver $i" >/dev/null 2>&1; done ) &
writer=$!
expect "backup mens det skrives" 0 "kontrollert" "$VARDE" backup --db "$DB" "$T/copy.db"
wait $writer
expect "kopien består check" 0 "Alt i orden" "$VARDE" check --db "$T/copy.db"
expect "backup overskriver ikke" 2 "finnes allerede" "$VARDE" backup --db "$DB" "$T/copy.db"
[ "$(sql "$DB" 'SELECT count(*) FROM organisations WHERE name LIKE "Skriver %"')" = 40 ] && ok "alle skrivinger kom med" \
  || no "alle skrivinger kom med"

# A failed write (file size limit = a full disk for this process) returns an
# error and leaves the database intact.
cp "$T/before.db" "$T/full.db"
"$VARDE" check --db "$T/full.db" >/dev/null
size_kb=$(( $(stat -c %s "$T/full.db") / 1024 + 8 ))
out=$( (trap '' XFSZ; ulimit -f "$size_kb"; for i in $(seq 1 400); do
  "$VARDE" org add --db "$T/full.db" --kind supplier --name "Fyll $i $(printf 'x%.0s' $(seq 1 150))" || exit 7; done) 2>&1)
rc=$?
if [ "$rc" -eq 7 ] && grep -qE "Disken er full|skrive" <<<"$out"; then ok "full disk gir feilmelding"
else no "full disk gir feilmelding (rc $rc)" "$(tail -3 <<<"$out")"; fi
expect "databasen er hel etter full disk" 0 "Alt i orden" "$VARDE" check --db "$T/full.db"

# Demo: real municipalities, users for every role, idempotent.
if [ -z "$SHARED" ] || [ ! -f "$SHARED/data/municipalities/data/municipalities-2025.json" ]; then
  echo "# hopper over demo: VARDE_SHARED mangler kommunedataene"
else
  export VARDE_PWHASH_FAST=1
  D=$T/demo.db
  expect "demo første gang" 0 "kommune-admin .*TOTP" "$VARDE" demo --db "$D" --shared "$SHARED"
  want=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for m in d if m['id'][:2] in ('34','18')))" \
    "$SHARED/data/municipalities/data/municipalities-2025.json")
  got=$(sql "$D" "SELECT count(*) FROM organisations WHERE kind = 'municipality'")
  [ "$got" = "$want" ] && ok "alle $want kommuner i Innlandet og Nordland" || no "kommuner: $got, ventet $want"
  [ "$(sql "$D" "SELECT name || ':' || population FROM organisations WHERE kommunenummer = '3442'")" = \
    "$(python3 -c "import json,sys; m=[m for m in json.load(open(sys.argv[1])) if m['id']=='3442'][0]; print(m['name_no']+':'+str(m['population']))" \
      "$SHARED/data/municipalities/data/municipalities-2025.json")" ] && ok "Østre Toten med ekte tall" || no "Østre Toten med ekte tall"
  scan=$(sql "$D" "SELECT (SELECT count(*) FROM scan_runs) || '/' || (SELECT count(*) FROM findings WHERE source = 'scan')
    || '/' || (SELECT count(*) FROM findings WHERE source = 'scan' AND status = 'fixed')")
  [ "$scan" = "2/4/3" ] && ok "demoskanning: to kjøringer, fire kontrollfunn, tre utbedret" || no "demoskanning: $scan"
  expect "funn for en kommune ved navn" 0 "tls-cert-expired .*192.0.2.20:443" "$VARDE" findings list --db "$D" --org "Østre Toten"
  expect "ukjent organisasjon gir klar feil" 2 "Fant ingen organisasjon «Ingensteds»" "$VARDE" findings list --db "$D" --org Ingensteds
  before=$(sql "$D" "SELECT (SELECT count(*) FROM organisations) || '/' || (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM memberships) || '/' || (SELECT count(*) FROM audit_log) || '/' || (SELECT count(*) FROM scan_runs)")
  expect "demo andre gang" 0 "0 nye" "$VARDE" demo --db "$D" --shared "$SHARED"
  after=$(sql "$D" "SELECT (SELECT count(*) FROM organisations) || '/' || (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM memberships) || '/' || (SELECT count(*) FROM audit_log) || '/' || (SELECT count(*) FROM scan_runs)")
  [ "$before" = "$after" ] && ok "demo på nytt legger ikke til noe ($after)" || no "demo på nytt: $before -> $after"
  roles=$(sql "$D" "SELECT group_concat(DISTINCT role) FROM (SELECT role FROM memberships ORDER BY role)")
  [ "$roles" = "admin,auditor,editor,viewer" ] && ok "brukere i hver rolle" || no "roller: $roles"
  [ "$(sql "$D" "SELECT count(*) FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.role = 'admin' AND u.totp_enabled = 0")" = 0 ] \
    && ok "alle administratorer har TOTP" || no "alle administratorer har TOTP"
  # varde user on top of the demo: passwords from stdin, roles, TOTP.
  pw() { printf '%s\n' "$1"; }
  expect "user add" 0 "editor i «Gjøvik»" bash -c "printf 'Sterkt-Passord-99\n' | '$VARDE' user add ny-bruker --org 3407 --role editor --db '$D'"
  expect "user add --totp skriver hemmelighet" 0 "otpauth://totp/Varde:ny-admin" bash -c "printf 'Sterkt-Passord-99\n' | '$VARDE' user add ny-admin --org 3407 --role admin --totp --db '$D'"
  expect "svakt passord nektes" 2 "minst 12 tegn" bash -c "printf 'kort\n' | '$VARDE' user add ny2 --org 3407 --role editor --db '$D'"
  expect "ukjent rolle nektes" 2 "Ukjent rolle" "$VARDE" user add ny3 --org 3407 --role sjef --db "$D"
  expect "user role" 0 "viewer i «Østre Toten»" "$VARDE" user role ny-bruker 3442 viewer --db "$D"
  expect "user disable" 0 "stengt" "$VARDE" user disable ny-bruker --db "$D"
  expect "user list viser stengt" 0 "ny-bruker .*STENGT" "$VARDE" user list --db "$D"
  expect "user mfa-reset" 0 "Tofaktor er fjernet" "$VARDE" user mfa-reset ny-admin --db "$D"
  expect "user passwd" 0 "Nytt passord" bash -c "printf 'Annet-Passord-123\n' | '$VARDE' user passwd ny-bruker --db '$D'"
  expect "ukjent bruker" 2 "finnes ikke" "$VARDE" user passwd finnes-ikke --db "$D"
  expect "demo-databasen består check" 0 "Alt i orden" "$VARDE" check --db "$D"
  expect "demo uten data gir klar feil" 2 "kommunedataene" env -u VARDE_SHARED "$VARDE" demo --db "$T/x.db" --shared "$T/ingenting"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
