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
echo "1..$n"
exit $fail
