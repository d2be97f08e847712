#!/bin/sh
# campaign.sh — the real binary: `varde demo` gives every municipality a
# history and two campaigns; `varde campaign list/remind` and their exit codes;
# demo and init run twice add nothing. Usage: campaign.sh VARDE (VARDE_SHARED set)
set -u
VARDE=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); echo "not ok $n - $1"; }
expect() { # description, wanted exit code, command...
  desc=$1 want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$desc"; else no "$desc (exit $got, want $want)"; cat "$TMP/err" >&2; fi
}
has() { if grep -qF -- "$3" "$2"; then ok "$1"; else no "$1"; cat "$2" >&2; fi; }
q() { sqlite3 "$DB" "$1"; }
if [ ! -d "${VARDE_SHARED:-/nonexistent}/data/municipalities" ]; then
  echo "1..0 # SKIP ../shared/data/municipalities not found"
  exit 0
fi
DB=$TMP/v.db

expect "init stores the shipped frameworks" 0 "$VARDE" init --db "$DB"
has "init says how many" "$TMP/out" "Rammeverk lagt inn: 5 nye"
expect "demo" 0 "$VARDE" demo --db "$DB"
munis=$(q "SELECT count(*) FROM organisations WHERE kind = 'municipality'")
few=$(q "SELECT count(*) FROM organisations o WHERE kind = 'municipality' AND (SELECT count(*) FROM assess_snapshots s
  JOIN assess_frameworks f ON f.id = s.framework_id WHERE s.org_id = o.id AND f.urn = 'urn:varde:framework:nsm-grunnprinsipper') < 2")
if [ "$munis" -gt 50 ] && [ "$few" = 0 ]; then ok "every municipality has two or more NSM snapshots ($munis)"; else no "snapshots ($munis, $few short)"; fi
overdue=$(q "SELECT count(*) FROM assess_measures WHERE deadline <> '' AND deadline < date('now') AND status IN ('planned','active')")
if [ "$overdue" -gt 0 ]; then ok "some measures are overdue ($overdue)"; else no "no overdue measures"; fi
snaps=$(q "SELECT count(*) FROM assess_snapshots")
expect "demo again" 0 "$VARDE" demo --db "$DB"
expect "init again" 0 "$VARDE" init --db "$DB"
has "nothing new" "$TMP/out" "Rammeverk lagt inn: 0 nye"
if [ "$(q "SELECT count(*) FROM assess_snapshots")" = "$snaps" ]; then ok "demo adds nothing twice"; else no "demo added snapshots"; fi

expect "campaign list" 0 "$VARDE" campaign list --db "$DB"
has "national campaign listed" "$TMP/out" "Nasjonal kartlegging 2026"
has "regional campaign listed" "$TMP/out" "Regional oppfølging"
late=$(q "SELECT count(*) FROM assess_campaign_recipients r JOIN assess_campaigns c ON c.id = r.campaign_id
  WHERE r.status < 2 AND c.deadline < date('now')")
rem=$(q "SELECT count(*) FROM assess_campaign_recipients WHERE reminded_at IS NOT NULL")
if [ "$rem" = "$late" ] && [ "$late" -gt 0 ]; then ok "demo reminded the $late late members"; else no "demo reminders ($rem of $late)"; fi
q "UPDATE assess_campaign_recipients SET reminded_at = NULL"
expect "remind in-app" 0 "$VARDE" campaign remind --db "$DB"
has "reminded the late ones" "$TMP/out" "Påminnet $late oppgave(r)"
expect "a second run the same day" 0 "$VARDE" campaign remind --db "$DB"
has "reminds nobody twice" "$TMP/out" "Påminnet 0 oppgave(r)"
expect "--smtp needs --smtp-from" 2 "$VARDE" campaign remind --db "$DB" --smtp smtp://127.0.0.1:1
expect "unknown subcommand" 2 "$VARDE" campaign nonsense --db "$DB"
expect "days out of range" 2 "$VARDE" campaign remind --db "$DB" --days 999
expect "help" 0 "$VARDE" campaign --help
has "help in Norwegian" "$TMP/out" "Avslutningskoder"
echo "1..$n"
