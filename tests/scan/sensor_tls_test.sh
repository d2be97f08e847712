#!/usr/bin/env bash
# sensor_tls_test.sh — `varde sensor` over HTTPS to the real server on
# 127.0.0.1: the server certificate is verified (a private CA is refused
# until --ca names it), plain http is refused for anything but loopback
# before any connection, and enrolment over TLS works once. TAP output.
set -u
VARDE=$(realpath "${1:?bruk: sensor_tls_test.sh VARDE FIXTURE}")
FIXTURE=$(realpath "${2:?bruk: sensor_tls_test.sh VARDE FIXTURE}")
skip() { echo "1..0 # SKIP $*"; exit 77; }
for b in openssl sqlite3 sha256sum; do command -v $b >/dev/null || skip "mangler $b"; done
WORK=$(mktemp -d /tmp/varde-sensor-tls.XXXXXX)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
T=0 FAILED=0
check() { local d=$1; shift; T=$((T + 1)); if "$@"; then echo "ok $T - $d"; else FAILED=$((FAILED + 1)); echo "not ok $T - $d"; fi; }
cd "$WORK"
export VARDE_PWHASH_FAST=1

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=varde-test-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > ext.cnf
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
  -extfile ext.cnf 2>/dev/null
[ -s srv.pem ] || { echo "Bail out! sertifikater"; exit 1; }
"$FIXTURE" v.db > fx.json || { echo "Bail out! fixture"; exit 1; }
"$VARDE" serve --db v.db --listen 127.0.0.1:0 --tls-cert srv.pem --tls-key srv.key >server.out 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do grep -q "lytter på" server.out && break; sleep 0.1; done
URL=$(sed -n 's/.*lytter på \(https:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' server.out)
[ -n "$URL" ] || { echo "Bail out! tjeneren startet ikke: $(cat server.out)"; exit 1; }

# a sensor row waiting for enrolment, as the Skanning page makes it
TOKEN=venrol_$(printf 'A%.0s' $(seq 1 43))
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
sqlite3 -cmd ".timeout 5000" v.db "INSERT INTO scan_sensors (org_id, name, enrol_hash, enrol_expires, created_at)
  VALUES (1, 'tls', '$HASH', strftime('%s','now') + 3600, 0)"

"$VARDE" sensor --once --server "$URL" --state s1 --enrol "$TOKEN" >s1.out 2>&1
rc=$?
check "uten --ca: sertifikatet godtas ikke (kode $rc)" grep -qi "certificate" s1.out
check "uten --ca: ikke registrert" [ ! -e s1/enrolled ]
check "uten --ca: engangsnøkkelen er ikke brukt" [ "$(sqlite3 -cmd ".timeout 5000" v.db "SELECT enrol_hash IS NOT NULL FROM scan_sensors WHERE name = 'tls'")" = 1 ]

"$VARDE" sensor --once --server "$URL" --state s2 --ca ca.pem --enrol "$TOKEN" >s2.out 2>&1
rc=$?
check "med --ca: registrert over TLS (kode $rc)" [ $rc -eq 0 ] && [ -e s2/enrolled ]
check "tjeneren har sett sensoren" [ "$(sqlite3 -cmd ".timeout 5000" v.db "SELECT last_seen > 0 AND cred_hash IS NOT NULL FROM scan_sensors WHERE name = 'tls'")" = 1 ]
"$VARDE" sensor --once --server "$URL" --state s3 --ca ca.pem --enrol "$TOKEN" >s3.out 2>&1
rc=$?
check "brukt engangsnøkkel med en annen sensornøkkel avvises (kode 2)" [ $rc -eq 2 ] && grep -q "avvist" s3.out

"$VARDE" sensor --once --server http://10.213.250.1:8080 --state s4 --enrol "$TOKEN" >s4.out 2>&1
rc=$?
check "ukryptert http utenfor loopback nektes før tilkobling (kode 2)" [ $rc -eq 2 ] && grep -q "ukryptert http" s4.out
"$VARDE" sensor --help >/dev/null
check "--help gir kode 0" [ $? -eq 0 ]
"$VARDE" sensor --state x >/dev/null 2>&1
check "mangler --server gir kode 2" [ $? -eq 2 ]
echo "1..$T"
[ "$FAILED" -eq 0 ]
