#!/usr/bin/env bash
# cli.sh — `varde detect` as a user runs it: help, exit codes, the three
# output formats, standard input, jobs giving identical output, invalid rules
# reported with file and line, and correlation alerts that list their events.
# Usage: cli.sh VARDE. Output is TAP.
set -uo pipefail
varde=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

mkdir -p "$tmp/rules/sub"
cat > "$tmp/rules/fail.yml" <<'Y'
title: Failed logon
id: 0b5a2e2c-0000-4000-8000-000000000001
name: failed_logon
status: test
author: Varde test
level: low
tags: [attack.credential-access]
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
---
title: Brute force
id: 0b5a2e2c-0000-4000-8000-000000000002
author: Varde test
level: high
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 10m
  condition: {gte: 3}
Y
cat > "$tmp/rules/sub/cmd.yml" <<'Y'
title: Whoami
id: 0b5a2e2c-0000-4000-8000-000000000003
author: Someone Else
level: medium
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\whoami.exe'}
  condition: sel
Y
printf 'title: broken\nlogsource: {product: windows}\ndetection:\n  sel:\n    A|bogus: 1\n  condition: sel\n' > "$tmp/rules/sub/bad.yml"
{
  for m in 01 02 03 04; do
    echo "{\"Channel\":\"Security\",\"EventID\":4625,\"TargetUserName\":\"alice\",\"TimeCreated_SystemTime\":\"2024-05-01T10:$m:00Z\"}"
  done
  echo '{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\Windows\\System32\\whoami.exe","TimeCreated_SystemTime":"2024-05-01T10:05:00Z"}'
  echo '{"Channel":"Security","EventID":4624,"TargetUserName":"bob","TimeCreated_SystemTime":"2024-05-01T10:06:00Z"}'
} > "$tmp/ev.jsonl"
echo '{"Channel":"Security","EventID":4624}' > "$tmp/quiet.jsonl"

"$varde" detect --help > "$tmp/help"; ok $? "--help exits 0"
grep -q 'Avslutningskoder' "$tmp/help"; ok $? "--help documents exit codes"
"$varde" detect > /dev/null 2>&1; [ $? -eq 2 ]; ok $? "no rules: exit 2"
"$varde" detect -r "$tmp/rules" "$tmp/quiet.jsonl" > "$tmp/none" 2> "$tmp/none.err"; [ $? -eq 0 ]; ok $? "no alerts: exit 0"
grep -q 'bad.yml:5' "$tmp/none.err"; ok $? "invalid rule reported with file and line"
"$varde" detect -q -r "$tmp/rules" "$tmp/ev.jsonl" > "$tmp/a.jsonl"; [ $? -eq 1 ]; ok $? "alerts: exit 1"
[ "$(grep -c '"title":"Failed logon"' "$tmp/a.jsonl")" -eq 0 ]; ok $? "referenced rule hidden (generate: false)"
grep -q '"title":"Brute force".*"correlation":true.*"group":"TargetUserName=alice".*"record":1,.*"record":2,.*"record":3,' "$tmp/a.jsonl"
ok $? "correlation alert lists its events"
grep -q '"events":\[{"source":"[^"]*","record":1,"time":"2024-05-01T10:01:00.000Z"}' "$tmp/a.jsonl"; ok $? "correlation events are well-formed JSON objects"
grep -q '"title":"Whoami".*"author":"Someone Else".*"source":"[^"]*ev.jsonl","record":5,"event":{' "$tmp/a.jsonl"
ok $? "alert carries author, source, record and the event"
"$varde" detect -q -r "$tmp/rules" - < "$tmp/ev.jsonl" > "$tmp/stdin.jsonl"; [ $? -eq 1 ]; ok $? "standard input"
[ "$(sed 's/"source":"[^"]*"//g' "$tmp/stdin.jsonl")" = "$(sed 's/"source":"[^"]*"//g' "$tmp/a.jsonl")" ]; ok $? "stdin gives the same alerts"
"$varde" detect -q -f csv -r "$tmp/rules" "$tmp/ev.jsonl" > "$tmp/a.csv"
head -1 "$tmp/a.csv" | grep -q '^time,level,status,rule_id,title,author,tags,source,record,details$'; ok $? "csv header"
[ "$(wc -l < "$tmp/a.csv")" -eq 3 ]; ok $? "csv rows"
"$varde" detect -q -f table -r "$tmp/rules" "$tmp/ev.jsonl" > "$tmp/a.txt"
grep -q 'Totalt 2 varsler fra 2 regler' "$tmp/a.txt"; ok $? "table summary"
for i in 1 2 3 4 5 6; do cp "$tmp/ev.jsonl" "$tmp/ev$i.jsonl"; done
"$varde" detect -q -j1 -r "$tmp/rules" "$tmp"/ev?.jsonl > "$tmp/j1"; "$varde" detect -q -j2 -r "$tmp/rules" "$tmp"/ev?.jsonl > "$tmp/j2"
cmp -s "$tmp/j1" "$tmp/j2" && [ -s "$tmp/j1" ]; ok $? "-j1 and -j2 give identical output"
"$varde" detect -q --engine reference -r "$tmp/rules" "$tmp"/ev?.jsonl > "$tmp/ref"; cmp -s "$tmp/j1" "$tmp/ref"; ok $? "reference engine agrees"
"$varde" detect --list-unsupported -r "$tmp/rules" > "$tmp/list" 2>/dev/null; [ $? -eq 1 ]; ok $? "--list-unsupported exit 1 with one bad rule"
grep -q "bad.yml:5: broken: unknown modifier 'bogus'" "$tmp/list"; ok $? "--list-unsupported names file, line, title, reason"
"$varde" detect -q -r "$tmp/rules" "$tmp/nonexistent.jsonl" > /dev/null 2>&1; [ $? -eq 2 ]; ok $? "missing input: exit 2"
grep -q '^2024-05-01T10:05:00.000Z,medium,,0b5a2e2c-0000-4000-8000-000000000003,Whoami,Someone Else,,[^,]*ev.jsonl,5,"{""Channel"":' "$tmp/a.csv"
ok $? "csv row carries the event as JSON in details"
grep -q 'korrelasjon: 3 hendelser; TargetUserName=alice; hendelser: [^ ]*ev.jsonl#1 ' "$tmp/a.csv"; ok $? "csv correlation row lists its events"
printf 'title: =1+1\nlogsource: {product: windows}\ndetection:\n  s: {EventID: 7}\n  condition: s\n' > "$tmp/eq.yml"
echo '{"EventID":7,"CommandLine":"=cmd|'"'"'/c calc'"'"'!A1"}' > "$tmp/formula.jsonl"
"$varde" detect -q -f csv -r "$tmp/eq.yml" "$tmp/formula.jsonl" > "$tmp/formula.csv"
grep -q ',"'"'"'=1+1",' "$tmp/formula.csv" && ! grep -q ',=' "$tmp/formula.csv"; ok $? "csv: no cell starts with = (formula guard)"
printf '{"EventID":7,"Message":"m\xe6\xf8\xe5l"}\n' > "$tmp/latin1.jsonl"
"$varde" detect -q -r "$tmp/eq.yml" "$tmp/latin1.jsonl" > "$tmp/latin1.out"
python3 -c 'import sys, json; assert json.loads(sys.stdin.buffer.read().decode("utf-8"))["event"]["Message"] == "m\u00e6\u00f8\u00e5l"' < "$tmp/latin1.out"
ok $? "bytes that are not UTF-8 are written as Latin-1 characters: output stays valid JSON"
"$varde" detect -q -r "$tmp/eq.yml" "$tmp/formula.jsonl" > /dev/full 2> "$tmp/full.err"; [ $? -eq 2 ]; ok $? "output that cannot be written: exit 2"
grep -q 'kunne ikke skrive' "$tmp/full.err"; ok $? "and it says so"
mkdir -p "$tmp/norules"; echo 'title: x' > "$tmp/norules/x.yml"
"$varde" detect -r "$tmp/norules" "$tmp/ev.jsonl" > /dev/null 2> "$tmp/norules.err"; [ $? -eq 2 ]; ok $? "no usable rule: exit 2"
grep -q 'ingen brukbare regler' "$tmp/norules.err"; ok $? "and it says so"
"$varde" detect -j 2x -r "$tmp/rules" "$tmp/ev.jsonl" > /dev/null 2>&1; [ $? -eq 2 ]; ok $? "-j 2x refused"
# Correlations follow the events' times, not the order of files: recon at
# 10:00 and 10:10 in one file, the dump at 10:00:30 in another.
cat > "$tmp/ord.yml" <<'Y'
title: recon
name: recon
logsource: {product: windows}
detection: {s: {EventID: 1}, condition: s}
---
title: dump
name: dump
logsource: {product: windows}
detection: {s: {EventID: 10}, condition: s}
---
title: recon then dump
correlation: {type: temporal_ordered, rules: [recon, dump], group-by: [Computer], timespan: 1m}
Y
printf '{"EventID":1,"Computer":"pc1","TimeCreated_SystemTime":"2024-05-01T10:00:00Z"}\n{"EventID":1,"Computer":"pc1","TimeCreated_SystemTime":"2024-05-01T10:10:00Z"}\n' > "$tmp/ord_a.jsonl"
printf '{"EventID":10,"Computer":"pc1","TimeCreated_SystemTime":"2024-05-01T10:00:30Z"}\n' > "$tmp/ord_b.jsonl"
"$varde" detect -q -r "$tmp/ord.yml" "$tmp/ord_a.jsonl" "$tmp/ord_b.jsonl" > "$tmp/ord.out"
grep -q '"title":"recon then dump".*ord_a.jsonl","record":1,.*ord_b.jsonl","record":1,' "$tmp/ord.out"
ok $? "correlation across files in time order"
printf 'title: f\nlogsource: {product: windows}\nfilter:\n  rules: [nosuch]\n  s: {User: x}\n  condition: not s\n' > "$tmp/filter.yml"
"$varde" detect -r "$tmp/eq.yml" -r "$tmp/filter.yml" "$tmp/formula.jsonl" > /dev/null 2> "$tmp/filter.err"; [ $? -eq 1 ]
ok $? "a filter naming a missing rule does not stop detection"
grep -q "advarsel, .*filter.yml:1 (f): filter names rule 'nosuch'" "$tmp/filter.err" && ! grep -q 'hoppet over' "$tmp/filter.err"
ok $? "it is a warning, not a rule skipped"
if command -v script > /dev/null; then
  script -qec "'$varde' detect -r '$tmp/rules' '$tmp/ev.jsonl' '$tmp/quiet.jsonl'" /dev/null > "$tmp/tty" 2>&1
  grep -q '2 av 2 filer, 7 hendelser, 2 varsler' "$tmp/tty"; ok $? "progress on a terminal"
fi

# Inputs that cannot be read (a link loop, a missing path, a file of unknown
# format) are reported with path and reason and skipped; the rest is scanned,
# and the run ends with exit 2.
mkdir -p "$tmp/logs/sub"
cp "$tmp/ev.jsonl" "$tmp/logs/sub/ev.jsonl"
ln -s .. "$tmp/logs/sub/up"
ln -s self "$tmp/logs/self"
echo "just some notes" > "$tmp/logs/notes.txt"
: > "$tmp/logs/empty.jsonl"
"$varde" detect -r "$tmp/rules" "$tmp/logs" "$tmp/missing.jsonl" > "$tmp/skip.jsonl" 2> "$tmp/skip.err"; rc=$?
[ $rc -eq 2 ]; ok $? "unreadable inputs among readable ones: exit 2 (got $rc)"
grep -q '"title":"Whoami".*logs/sub/ev.jsonl' "$tmp/skip.jsonl"; ok $? "the readable inputs are still scanned"
grep -q 'logs/sub/up: symbolsk lenke i løkke' "$tmp/skip.err"; ok $? "folder link loop reported"
grep -q 'logs/self: symbolsk lenke i løkke' "$tmp/skip.err"; ok $? "file link loop reported"
grep -q 'missing.jsonl: kan ikke leses (' "$tmp/skip.err"; ok $? "missing path reported with the OS reason"
grep -q 'notes.txt: ikke en loggfil (ukjent format); filen i mappen er hoppet over' "$tmp/skip.err"
ok $? "a file of unknown format inside a folder is said and passed over"
"$varde" detect -q -r "$tmp/rules" "$tmp/logs/sub/ev.jsonl" "$tmp/logs/notes.txt" > /dev/null 2> "$tmp/named.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'notes.txt: ukjent loggformat' "$tmp/named.err"; ok $? "one named on the command line is an error: exit 2"
! grep -q 'empty.jsonl' "$tmp/skip.err"; ok $? "an empty file is no error"
grep -q '^varde detect: 3 av [0-9]* inndata kunne ikke leses' "$tmp/skip.err"; ok $? "a closing line counts what could not be read"
mkdir "$tmp/nologs"
"$varde" detect -q -r "$tmp/rules" "$tmp/nologs" > /dev/null 2> "$tmp/nologs.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'ingen loggfiler funnet' "$tmp/nologs.err"; ok $? "folder without log files: reported, exit 2"
# positions say whether they are lines or bytes
printf '{"EventID":1}\n{bad\n' > "$tmp/badline.jsonl"
"$varde" detect -r "$tmp/rules" "$tmp/badline.jsonl" > /dev/null 2> "$tmp/badline.err"
grep -q 'badline.jsonl, linje 2: JSON-feil' "$tmp/badline.err"; ok $? "a bad line is reported by its line number"
# UTF-16 text (Windows PowerShell 5.1 Out-File) on standard input
iconv -f UTF-8 -t UTF-16 < "$tmp/ev.jsonl" > "$tmp/ev16.jsonl"
[ "$(head -c 2 "$tmp/ev16.jsonl" | od -An -tx1 | tr -d ' ')" = fffe ]; ok $? "iconv wrote a UTF-16LE BOM"
"$varde" detect -q -r "$tmp/rules" - < "$tmp/ev16.jsonl" > "$tmp/ev16.out"; rc=$?
[ $rc -eq 1 ] && [ "$(sed 's/"source":"[^"]*"//g' "$tmp/ev16.out")" = "$(sed 's/"source":"[^"]*"//g' "$tmp/a.jsonl")" ]
ok $? "UTF-16 JSON lines on standard input give the same alerts"
# a gzip file cut short: what could be read is scanned, the cut is reported
for i in $(seq 1000 2999); do
  echo "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\",\"n\":$i,\"r\":\"$RANDOM$RANDOM\"}"
done | gzip -c > "$tmp/many.jsonl.gz"
head -c $(( $(stat -c %s "$tmp/many.jsonl.gz") / 2 )) "$tmp/many.jsonl.gz" > "$tmp/cut.jsonl.gz"
"$varde" detect -r "$tmp/rules" "$tmp/cut.jsonl.gz" > "$tmp/cut.out" 2> "$tmp/cut.err"
grep -q 'cut.jsonl.gz: gzip-filen er avkortet' "$tmp/cut.err"; ok $? "truncated gzip reported"
a=$(grep -c '"title":"Whoami"' "$tmp/cut.out"); [ "$a" -gt 0 ] && [ "$a" -lt 2000 ]; ok $? "truncated gzip: the readable part is scanned ($a alerts)"

# Microsoft 365: SigmaHQ's rules fire on a compact ConvertTo-Json array
# (records numbered by position) and on the same records as a UTF-16 CSV
# export; a parameter called "Name" does not disturb the Name/Value lifting.
shared=${VARDE_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
m365="$shared/data/sigma/rules/cloud/m365/audit/microsoft365_bypass_conditional_access.yml"
if [ -f "$m365" ] && [ -d "$shared/data/sigma/rules-threat-hunting/cloud/m365/audit" ]; then
  mkdir -p "$tmp/m365rules"
  cp "$m365" "$shared"/data/sigma/rules-threat-hunting/cloud/m365/audit/*.yml "$tmp/m365rules/"
  r1='{"CreationTime":"2024-05-02T10:00:00","Id":"1","Operation":"New-InboxRule","RecordType":1,"Workload":"Exchange","UserId":"bob@x.no","Parameters":[{"Name":"Name","Value":"fwd"},{"Name":"ForwardTo","Value":"evil@x.com"},{"Name":"DeleteMessage","Value":"True"}]}'
  r2='{"CreationTime":"2024-05-02T11:00:00","Id":"2","Operation":"UserLoggedIn","RecordType":15,"Workload":"AzureActiveDirectory","ApplicationId":"9ba1a5c7-f17a-4de9-a1f1-6178c8d51223","ResultStatus":"Success","ObjectId":"x","ExtendedProperties":[{"Name":"RequestType","Value":"Cmsi:Cmsi"}]}'
  echo "[$r1,$r2]" > "$tmp/m365.json"
  "$varde" detect -q -r "$tmp/m365rules" "$tmp/m365.json" | sed -E 's/.*"title":"([^"]*)".*"record":([0-9]+),"event".*/\1,\2/' | sort > "$tmp/m365.out"
  printf '%s\n' 'Azure Login Bypassing Conditional Access Policies,2' 'Inbox Rules Creation Or Update Activity in O365,1' \
    'Mail Forwarding/Redirecting Activity In O365,1' > "$tmp/m365.want"
  cmp -s "$tmp/m365.out" "$tmp/m365.want"; ok $? "SigmaHQ m365 rules fire on a compact JSON array, records by position"
  {
    printf 'CreationDate,UserIds,Operations,AuditData\r\n'
    for r in "$r1" "$r2"; do printf '2024-05-02T10:00:00Z,bob@x.no,Op,"%s"\r\n' "${r//\"/\"\"}"; done
  } | iconv -f UTF-8 -t UTF-16 > "$tmp/m365.csv"
  "$varde" detect -q -r "$tmp/m365rules" "$tmp/m365.csv" | sed -E 's/.*"title":"([^"]*)".*"record":([0-9]+),"event".*/\1,\2/' | sort > "$tmp/m365csv.out"
  printf '%s\n' 'Azure Login Bypassing Conditional Access Policies,3' 'Inbox Rules Creation Or Update Activity in O365,2' \
    'Mail Forwarding/Redirecting Activity In O365,2' > "$tmp/m365csv.want"
  cmp -s "$tmp/m365csv.out" "$tmp/m365csv.want"; ok $? "and on the same records as a UTF-16 M365 CSV export"
else
  ok 0 "# SKIP m365 rules not found"
fi
# The compiled-database cache stays under VARDE_CACHE_MAX_MB (default 256):
# after a start that stored databases, the least recently used go first, and
# files left by a run stopped while writing are removed after an hour.
c=$tmp/cache
mkdir -p "$c"
echo '{"EventID": 1, "CommandLine": "whoami /all"}' > "$tmp/one.jsonl"
head -c 2097152 /dev/zero > "$c/sigma-00000000000000aa.hsdb"
touch -d '2 days ago' "$c/sigma-00000000000000aa.hsdb"
: > "$c/sigma-00000000000000bb.hsdb.99.tmp"; touch -d '2 hours ago' "$c/sigma-00000000000000bb.hsdb.99.tmp"
VARDE_CACHE_DIR=$c "$varde" detect -q -r "$tmp/rules/sub" "$tmp/one.jsonl" > /dev/null
[ -f "$c/sigma-00000000000000aa.hsdb" ] && [ ! -e "$c/sigma-00000000000000bb.hsdb.99.tmp" ] &&
  [ "$(ls "$c" | wc -l)" -gt 1 ]; ok $? "cache: new databases stored, an old write's leftover removed, the rest kept"
cp "$tmp/rules/sub/cmd.yml" "$tmp/cmd2.yml"; sed -i 's/whoami/hostname/I' "$tmp/cmd2.yml"
VARDE_CACHE_DIR=$c VARDE_CACHE_MAX_MB=1 "$varde" detect -q -r "$tmp/cmd2.yml" "$tmp/one.jsonl" > /dev/null
[ ! -e "$c/sigma-00000000000000aa.hsdb" ] && [ "$(ls "$c" | wc -l)" -ge 1 ] && [ "$(du -sk "$c" | cut -f1)" -le 1024 ]
ok $? "cache: over VARDE_CACHE_MAX_MB the least recently used databases are removed"

echo "1..$n"
exit $fail
