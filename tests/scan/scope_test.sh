#!/usr/bin/env bash
# scope_test.sh — proves that `varde scan` sends nothing to a target outside
# its scope: tshark captures on the client namespace's interfaces while the
# scanner is asked for an in-scope and an out-of-scope address. A control run
# with the address in scope shows the capture does see the scanner's SYNs.
set -u
VARDE=$(realpath "${1:?bruk: scope_test.sh VARDE}")
[ -x "$VARDE" ] || { echo "Bail out! finner ikke varde: $1"; exit 1; }
. "$(dirname "$0")/netns_lib.sh"
command -v tshark >/dev/null || skip "mangler tshark (scripts/packages.txt)"
command -v socat >/dev/null && command -v jq >/dev/null || skip "mangler socat eller jq"

IN=$TAG-in OUT=$TAG-out
ns_add "$CLI"; ns_add "$IN"; ns_add "$OUT"
ns_link "$CLI" "$IN" 1     # in scope:  10.213.1.0/24
ns_link "$CLI" "$OUT" 2    # outside:   10.213.2.0/24
bg "$OUT" socat TCP-LISTEN:22,bind=10.213.2.2,reuseaddr,fork SYSTEM:"echo SSH-2.0-ute"
bg "$IN" socat TCP-LISTEN:22,bind=10.213.1.2,reuseaddr,fork SYSTEM:"echo SSH-2.0-inne"
wait_port "$OUT" 10.213.2.2 22 && wait_port "$IN" 10.213.1.2 22 || { echo "Bail out! socat"; exit 1; }

# capture FILE: starts tshark on both client interfaces, waits until it runs
capture() {
  ip netns exec "$CLI" tshark -q -i "${TAG}a1" -i "${TAG}a2" -w "$WORK/$1" \
    >"$WORK/$1.log" 2>&1 &
  CAP=$!
  PIDS+=($CAP)
  for _ in $(seq 1 100); do
    grep -q "Capturing on" "$WORK/$1.log" 2>/dev/null && break
    sleep 0.1
  done
  sleep 0.5
}
stop_capture() { sleep 0.5; kill -INT "$CAP"; wait "$CAP" 2>/dev/null; }
# packets_to FILE ADDR: frames addressed to ADDR, ARP/ND look-ups included;
# prints -1 when tshark fails, so a broken filter cannot pass as "none"
packets_to() {
  local f="ip.dst == $2 || arp.dst.proto_ipv4 == $2"
  case $2 in *:*) f="ipv6.dst == $2 || icmpv6.nd.ns.target_address == $2" ;; esac
  local out
  out=$(tshark -r "$WORK/$1" -Y "$f" 2>/dev/null) || { echo -1; return; }
  [ -z "$out" ] && echo 0 || echo "$out" | wc -l
}

# 1. out-of-scope target next to an in-scope one: the whole scan is refused
capture refused.pcap
ip netns exec "$CLI" "$VARDE" scan --scope 10.213.1.0/24 -p 1-1000 \
  10.213.1.2 10.213.2.2 >"$WORK/out1" 2>"$WORK/err1"
rc=$?
stop_capture
check "nektet skanning gir kode 2" [ $rc -eq 2 ]
check "norsk melding nevner adressen og omfanget" \
  grep -q "nektet: 10.213.2.2 er utenfor godkjent skanneomfang (10.213.1.0/24); ingen pakker er sendt dit" "$WORK/err1"
check "ingen pakker til 10.213.2.2" [ "$(packets_to refused.pcap 10.213.2.2)" -eq 0 ]
check "ingen pakker til 10.213.1.2 heller (alt nektes før start)" [ "$(packets_to refused.pcap 10.213.1.2)" -eq 0 ]

# 2. the same with a scope file, a range target and IPv6 outside
printf '# godkjent omfang\n10.213.1.0/24\nfd00:213:1::/64\n' > "$WORK/scope.txt"
capture refused2.pcap
ip netns exec "$CLI" "$VARDE" scan --scope "$WORK/scope.txt" -p 22 10.213.2.1-3 2>"$WORK/err2"
rc2=$?
ip netns exec "$CLI" "$VARDE" scan --scope "$WORK/scope.txt" -p 22 fd00:213:2::2 2>>"$WORK/err2"
rc3=$?
stop_capture
check "scope-fil: område utenfor nektes" [ $rc2 -eq 2 ] && [ $rc3 -eq 2 ]
check "scope-fil: ingen pakker til 10.213.2.0/24" [ "$(packets_to refused2.pcap 10.213.2.0/24)" -eq 0 ]
check "scope-fil: ingen pakker til fd00:213:2::2" [ "$(packets_to refused2.pcap fd00:213:2::2)" -eq 0 ]

# 3. exclusions are honoured: excluded address inside the scope gets nothing
capture excluded.pcap
ip netns exec "$CLI" "$VARDE" scan -f json -p 22 --exclude 10.213.1.2 10.213.1.1-2 >"$WORK/ex.jsonl"
stop_capture
check "utelatt adresse får ingen pakker" [ "$(packets_to excluded.pcap 10.213.1.2)" -eq 0 ]
check "utelatt adresse står ikke i resultatet" bash -c "! grep -q '10.213.1.2' '$WORK/ex.jsonl'"

# 4. control: with the address in scope the capture sees the scanner
capture allowed.pcap
ip netns exec "$CLI" "$VARDE" scan --scope 10.213.0.0/16 -f json -p 22 10.213.2.2 >"$WORK/ok.jsonl"
stop_capture
check "kontroll: fanget pakker til 10.213.2.2 når den er i omfanget" [ "$(packets_to allowed.pcap 10.213.2.2)" -gt 0 ]
check "kontroll: port 22 funnet åpen" grep -q '"port":22,"proto":"tcp","state":"open"' "$WORK/ok.jsonl"

# 4b. the administrator's ceiling (scan.conf) cannot be widened by --scope,
#     and caps the rate
printf '# varde\nmax_rate = 100\nscope = 10.213.1.0/24\n' > "$WORK/scan.conf"
capture ceiling.pcap
VARDE_SCAN_CONF="$WORK/scan.conf" ip netns exec "$CLI" "$VARDE" scan --scope 10.213.0.0/16 \
  -p 22 10.213.2.2 2>"$WORK/err4"
rc4=$?
VARDE_SCAN_CONF="$WORK/scan.conf" ip netns exec "$CLI" "$VARDE" scan --rate 0 -f json \
  -p 22 --no-service 10.213.1.2 >"$WORK/ceil.jsonl" 2>>"$WORK/err4"
rc5=$?
stop_capture
check "scan.conf: utenfor administrators omfang nektes tross --scope" [ $rc4 -eq 2 ]
check "scan.conf: melding nevner scan.conf" grep -q "omfanget administrator har satt i scan.conf" "$WORK/err4"
check "scan.conf: ingen pakker til 10.213.2.2" [ "$(packets_to ceiling.pcap 10.213.2.2)" -eq 0 ]
check "scan.conf: innenfor går, --rate 0 senkes til taket" \
  bash -c "[ $rc5 -eq 0 ] && grep -q 'rate senket til 100' '$WORK/err4' && grep -q '\"port\":22' '$WORK/ceil.jsonl'"
printf 'max_rate = mange\n' > "$WORK/bad.conf"
VARDE_SCAN_CONF="$WORK/bad.conf" "$VARDE" scan -p 22 10.213.1.2 2>"$WORK/err5"
check "scan.conf med feil stopper skanningen" bash -c "[ $? -eq 2 ] && grep -q 'linje 1' '$WORK/err5'"

# 5. host discovery: in 10.213.1.2-30 only .2 exists; the rest are marked
#    down and not port-scanned, .2 is scanned as usual
ip netns exec "$CLI" "$VARDE" scan -f json -p 22,8000-8100 --no-service 10.213.1.2-30 >"$WORK/disc.jsonl"
check "oppdagelse: 28 verter nede" [ "$(jq -r 'select(.type=="host" and .up==false) | .addr' "$WORK/disc.jsonl" | wc -l)" -eq 28 ]
check "oppdagelse: 10.213.1.2 oppe med 22 åpen og 101 lukkede" \
  [ "$(jq -r 'select(.type=="host" and .addr=="10.213.1.2") | "\(.up) \(.open) \(.closed)"' "$WORK/disc.jsonl")" = "true 1 101" ]
check "oppdagelse: nede verter er ikke portskannet" \
  [ "$(jq -r 'select(.type=="host" and .up==false) | .skipped' "$WORK/disc.jsonl" | sort -u)" = 102 ]

# 6. SIGINT: a slow scan stopped half-way still writes a valid, marked report
ip netns exec "$CLI" "$VARDE" scan -f json --rate 200 -p 1-60000 --no-service \
  10.213.1.2 >"$WORK/int.jsonl" 2>"$WORK/int.err" &
SCANPID=$!
sleep 1.5
kill -INT $SCANPID
wait $SCANPID
rc=$?
check "avbrutt skanning gir kode 2" [ $rc -eq 2 ]
check "avbrutt rapport er gyldig JSON og merket interrupted" \
  [ "$(jq -r 'select(.type=="scan") | .interrupted' "$WORK/int.jsonl")" = true ]
check "avbrutt rapport har porten som rakk å bli funnet" \
  grep -q '"port":22,"proto":"tcp","state":"open"' "$WORK/int.jsonl"
check "melding om ufullstendige resultater" grep -q "ufullstendige" "$WORK/int.err"

finish
