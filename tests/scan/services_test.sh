#!/usr/bin/env bash
# services_test.sh — runs `varde scan` from one network namespace against a
# target namespace with real Debian services (nginx with and without TLS,
# sshd, exim4, redis) and small banner responders, then checks the detected
# ports, services, versions, TLS facts and findings. TAP output.
set -u
VARDE=$(realpath "${1:?bruk: services_test.sh VARDE}")
[ -x "$VARDE" ] || { echo "Bail out! finner ikke varde: $1"; exit 1; }
. "$(dirname "$0")/netns_lib.sh"
for b in nginx /usr/sbin/sshd exim4 redis-server socat openssl jq; do
  command -v "$b" >/dev/null || skip "mangler $b (scripts/packages.txt)"
done

SRV=$TAG-srv
ns_add "$CLI"; ns_add "$SRV"; ns_link "$CLI" "$SRV" 1
A=10.213.1.2
cd "$WORK"

# --- certificates: one expired self-signed, one valid with the right IP ---
cat > ca.cnf <<'EOF'
[ca]
default_ca = c
[c]
dir = .
database = ./index.txt
new_certs_dir = .
serial = ./serial
default_md = sha256
policy = p
copy_extensions = copy
[p]
commonName = supplied
EOF
touch index.txt; echo 01 > serial
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj /CN=gammel.varde.test \
  -out old.csr 2>/dev/null
openssl ca -batch -config ca.cnf -selfsign -keyfile old.key -in old.csr \
  -startdate 20200101000000Z -enddate 20210101000000Z -out old.crt >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout new.key -out new.crt -days 365 \
  -subj /CN=ny.varde.test -addext "subjectAltName=IP:$A" 2>/dev/null
[ -s old.crt ] && [ -s new.crt ] || { echo "Bail out! sertifikater"; exit 1; }

# --- nginx: plain HTTP (status page, exposed .git), TLS with expired cert,
#     TLS with old versions + NULL suites but all security headers ---
mkdir -p www/.git tmp
echo "ref: refs/heads/main" > www/.git/HEAD
echo "<h1>Varde-test</h1>" > www/index.html
cat > nginx.conf <<EOF
daemon off; user root; worker_processes 1; pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 256; }
http {
  access_log off; server_tokens on;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;
  fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server { listen $A:80; listen [fd00:213:1::2]:80; root $WORK/www;
           location /nginx_status { stub_status; } }
  server { listen $A:443 ssl; root $WORK/www;
           ssl_certificate $WORK/old.crt; ssl_certificate_key $WORK/old.key; }
  server { listen $A:8443 ssl; root $WORK/www;
           ssl_certificate $WORK/new.crt; ssl_certificate_key $WORK/new.key;
           ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
           ssl_ciphers "ALL:eNULL:@SECLEVEL=0";
           add_header Strict-Transport-Security "max-age=31536000" always;
           add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
           add_header X-Content-Type-Options nosniff always; }
}
EOF
bg "$SRV" nginx -c "$WORK/nginx.conf" -p "$WORK"

# --- sshd with its own host key and config ---
ssh-keygen -q -t ed25519 -N '' -f "$WORK/hostkey"
mkdir -p /run/sshd
cat > sshd.conf <<EOF
Port 22
ListenAddress $A
ListenAddress fd00:213:1::2
HostKey $WORK/hostkey
PidFile $WORK/sshd.pid
UsePAM no
EOF
bg "$SRV" /usr/sbin/sshd -D -f "$WORK/sshd.conf"

# --- exim4 as an SMTP daemon that accepts nothing ---
mkdir -p exim/spool exim/log
chmod 755 "$WORK"; chmod -R 777 exim; chmod 644 new.key
cat > exim.conf <<EOF
primary_hostname = mx.varde.test
daemon_smtp_ports = 25 : 587
local_interfaces = $A
tls_certificate = $WORK/new.crt
tls_privatekey = $WORK/new.key
tls_advertise_hosts = \${if eq{\$received_port}{25}{*}{}}
spool_directory = $WORK/exim/spool
log_file_path = $WORK/exim/log/%slog
acl_smtp_rcpt = refuse
begin acl
refuse:
  deny
EOF
bg "$SRV" exim4 -C "$WORK/exim.conf" -bdf -oP "$WORK/exim.pid"

# --- redis without a password ---
bg "$SRV" redis-server --bind "$A" --port 6379 --save '' --appendonly no \
  --dir "$WORK" --protected-mode no --daemonize no

# --- banner responders for what Debian cannot run cheaply here ---
respond() { # port, reply file, read-first (1 = wait for the client's request)
  # The shell stays a second after writing: when it exits at once, socat
  # sometimes closes the connection before passing the reply on (seen in
  # packet captures as a FIN without data, ~1 in 15 connections).
  local cmd="cat $WORK/$2; sleep 1"
  [ "$3" = 1 ] && cmd="head -c 1 >/dev/null; $cmd"
  bg "$SRV" socat "TCP-LISTEN:$1,bind=$A,reuseaddr,fork" "SYSTEM:$cmd"
}
printf '220 (vsFTPd 3.0.3)\r\n' > ftp.bin
printf '* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot (Debian) ready.\r\n' > imap.bin
printf '+OK Dovecot (Debian) ready.\r\n' > pop3.bin
printf 'RFB 003.008\n' > vnc.bin
printf '\x4d\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB-0+deb12u1\x00\x08\x00\x00\x00abcdefgh\x00\xfe\xf7\x2d\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00' > mysql.bin
printf '\x04\x01\x00\x20\x00\x00\x01\x00\x00\x00\x10\x00\x06\x01\x00\x16\x00\x01\x02\x00\x17\x00\x01\xff\x0f\x00\x10\x68\x00\x00\x02\x00' > mssql.bin
printf 'R\x00\x00\x00\x08\x00\x00\x00\x05' > pgsql.bin
# RDP answers "selected protocol 0": legacy RDP security, no TLS/NLA
printf '\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x00\x08\x00\x00\x00\x00\x00' > rdp.bin
printf '\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00' > ldap.bin
{ printf '\x00\x00\x00\x48\xfeSMB\x40\x00'; head -c 58 /dev/zero; printf '\x41\x00\x01\x00\x10\x02\x00\x00'; } > smb.bin
printf '\x00\x37\x56\x41\x85\x00\x00\x01\x00\x01\x00\x00\x00\x00\x07version\x04bind\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03\x00\x00\x00\x00\x00\x0d\x0cdnsmasq-2.89' > dns.bin
printf 'SSH-1.99-OpenSSH_3.9p1\r\n' > ssh1.bin
respond 2200 ssh1.bin 0; respond 21 ftp.bin 0; respond 143 imap.bin 0; respond 110 pop3.bin 0
respond 5900 vnc.bin 0; respond 3306 mysql.bin 0; respond 1433 mssql.bin 1
respond 5432 pgsql.bin 1; respond 3389 rdp.bin 1; respond 389 ldap.bin 1
respond 445 smb.bin 1; respond 53 dns.bin 1

for p in 80 443 8443 22 25 587 6379 2200 21 143 110 5900 3306 1433 5432 3389 389 445 53; do
  wait_port "$SRV" $A $p || { cat "$WORK/daemons.log"; echo "Bail out! tjeneste $p startet ikke"; exit 1; }
done

# --- the scan (all ports of the target, like an operator would) ---
PORTS=1-10000
ip netns exec "$CLI" "$VARDE" scan -f json -p $PORTS --rate 0 --no-progress $A > scan.jsonl
rc=$?
check "varde scan avslutter med 1 (funn)" [ $rc -eq 1 ]

jqs() { jq -r "$1" scan.jsonl; }
# jq -e judges only the last input line in jq 1.6, so test for output instead
jhas() { [ -n "$(jq -c "select($2)" "$1")" ]; }
jnone() { [ -z "$(jq -c "select($2)" "$1")" ]; }
svc() { jqs "select(.type==\"service\" and .port==$1) | $2"; }
has_finding() { [ -n "$(jqs "select(.type==\"finding\" and .port==$1 and .id==\"$2\") | .id")" ]; }

open=$(jqs 'select(.type=="port") | .port' | sort -n | tr '\n' ' ')
check "åpne porter er nøyaktig de startede ($open)" \
  [ "$open" = "21 22 25 53 80 110 143 389 443 445 587 1433 2200 3306 3389 5432 5900 6379 8443 " ]
check "porter utenfor er lukket" [ "$(jqs 'select(.type=="host") | .closed')" = "$((10000 - 8 - 19))" ]

ssh_ver=$(ssh -V 2>&1 | sed -n 's/^OpenSSH_\([^ ,]*\).*/\1/p')
check "sshd: ssh, OpenSSH $ssh_ver" [ "$(svc 22 '.service + " " + .product + " " + .version')" = "ssh OpenSSH $ssh_ver" ]
check "sshd: CPE" [ "$(svc 22 .cpe)" = "cpe:2.3:a:openbsd:openssh:$ssh_ver:*:*:*:*:*:*:*" ]
check "sshd: lav sikkerhet (Debian-bygg)" [ "$(svc 22 .confidence)" = low ]
check "sshd: bevis er banneret" jhas scan.jsonl 'select(.type=="service" and .port==22) | .evidence | test("^SSH-2.0-OpenSSH_.*Debian")'
exim_ver=$(exim4 -C "$WORK/exim.conf" --version 2>/dev/null | sed -n 's/^Exim version \([0-9.]*\).*/\1/p')
check "exim: smtp, Exim $exim_ver" [ "$(svc 25 '.service + " " + .product + " " + .version')" = "smtp Exim $exim_ver" ]
check "exim 25: STARTTLS gir TLS-fakta" [ "$(jqs 'select(.type=="tls" and .port==25) | .starttls + " " + .subject + " " + (.expired|tostring)')" = "smtp CN=ny.varde.test false" ]
check "exim 587: funn smtp-no-starttls" has_finding 587 smtp-no-starttls
check "imap-svarer uten CAPABILITY-svar: intet STARTTLS-funn" jnone scan.jsonl 'select(.id=="imap-no-starttls")'
nginx_ver=$(nginx -v 2>&1 | sed 's|.*nginx/||')
check "nginx: http, nginx $nginx_ver (Server-felt)" [ "$(svc 80 '.service + " " + .product + " " + .version')" = "http nginx $nginx_ver" ]
check "nginx: CPE f5:nginx" [ "$(svc 80 .cpe)" = "cpe:2.3:a:f5:nginx:$nginx_ver:*:*:*:*:*:*:*" ]
check "nginx 443: https" [ "$(svc 443 '.service + " " + (.tls|tostring)')" = "http true" ]
redis_ver=$(redis-server --version | sed 's/.*v=\([0-9.]*\).*/\1/')
check "redis: versjon $redis_ver fra INFO, høy sikkerhet" [ "$(svc 6379 '.version + " " + .confidence')" = "$redis_ver high" ]
check "redis: funn redis-no-auth" has_finding 6379 redis-no-auth
got=$(svc 21 '.service + " " + .version + " " + .method')
check "ftp: vsftpd 3.0.3 ($got)" [ "$got" = "ftp 3.0.3 banner" ]
check "imap: Dovecot" [ "$(svc 143 '.service + " " + .product')" = "imap Dovecot" ]
check "pop3: Dovecot" [ "$(svc 110 '.service + " " + .product')" = "pop3 Dovecot" ]
check "vnc" [ "$(svc 5900 .service)" = vnc ]
check "mysql: MariaDB 10.11.6, lav (Debian)" [ "$(svc 3306 '.product + " " + .version + " " + .confidence')" = "MariaDB 10.11.6 low" ]
check "mssql: versjon fra pre-login" [ "$(svc 1433 '.service + " " + .version')" = "mssql 15.0.4200" ]
check "postgresql" [ "$(svc 5432 .service)" = postgresql ]
check "rdp" [ "$(svc 3389 .service)" = rdp ]
check "rdp: funn rdp-no-nla" has_finding 3389 rdp-no-nla
check "ssh 1.99: OpenSSH 3.9p1" bash -c "[ \"\$(jq -r 'select(.type==\"service\" and .port==2200) | .version' scan.jsonl)\" = 3.9p1 ]" 
check "ssh 1.99: funn ssh-protocol-1" has_finding 2200 ssh-protocol-1
check "ldap" [ "$(svc 389 .service)" = ldap ]
check "smb: dialekt 2.10" [ "$(svc 445 '.service + " " + .extra')" = "smb dialect 2.10" ]
check "dns: dnsmasq 2.89 fra version.bind" [ "$(svc 53 '.product + " " + .version')" = "dnsmasq 2.89" ]

tls() { jqs "select(.type==\"tls\" and .port==$1) | $2"; }
check "443: sertifikat utløpt" [ "$(tls 443 .expired)" = true ]
check "443: selvsignert" [ "$(tls 443 .self_signed)" = true ]
check "443: navnet passer ikke" [ "$(tls 443 .name_mismatch)" = true ]
check "443: gyldig til 2021-01-01" [ "$(tls 443 .not_after)" = "2021-01-01T00:00:00Z" ]
# nginx 1.22 leaves TLS 1.3 out of its default ssl_protocols and OpenSSL's
# default security level refuses 1.0/1.1; ask openssl itself what 443 offers
want=TLSv1.2
echo | ip netns exec "$CLI" openssl s_client -connect $A:443 -tls1_3 >/dev/null 2>&1 && want=TLSv1.2,TLSv1.3
check "443: versjoner som openssl s_client ser ($want)" [ "$(tls 443 '.versions|join(",")')" = "$want" ]
check "443: funn tls-cert-expired" has_finding 443 tls-cert-expired
check "443: funn tls-cert-self-signed" has_finding 443 tls-cert-self-signed
check "443: funn http-missing-hsts" has_finding 443 http-missing-hsts
check "8443: alle fire versjoner" [ "$(tls 8443 '.versions|join(",")')" = "TLSv1.0,TLSv1.1,TLSv1.2,TLSv1.3" ]
check "8443: navnet (IP i SAN) passer" [ "$(tls 8443 .name_mismatch)" = false ]
check "8443: ikke utløpt" [ "$(tls 8443 .expired)" = false ]
check "8443: funn tls-version-1.0" has_finding 8443 tls-version-1.0
check "8443: funn tls-version-1.1" has_finding 8443 tls-version-1.1
check "8443: NULL-chiffer godtatt" has_finding 8443 tls-weak-cipher-null
check "8443: ingen RC4 (finnes ikke i OpenSSL 3)" jnone scan.jsonl 'select(.id=="tls-weak-cipher-rc4")'
check "8443: ingen manglende sikkerhetshoder" jnone scan.jsonl 'select(.type=="finding" and .port==8443 and (.id|startswith("http-missing")))'
check "443: ingen TLS 1.0-funn" jnone scan.jsonl 'select(.port==443 and .id=="tls-version-1.0")'
check "80: funn http-missing-csp" has_finding 80 http-missing-csp
check "80: funn http-server-version" has_finding 80 http-server-version
check "80: funn http-git-exposed" has_finding 80 http-git-exposed
check "80: funn http-nginx-status" has_finding 80 http-nginx-status
check "80: ingen HSTS-krav uten TLS" jnone scan.jsonl 'select(.port==80 and .id=="http-missing-hsts")'
check "alle funn har sikkerhetsgrad og bevis" jnone scan.jsonl 'select(.type=="finding" and (.confidence==null or .evidence==null))'

# --- IPv6 target, CSV and table output ---
ip netns exec "$CLI" "$VARDE" scan -f json -p 22,80,81 --no-admin-pages fd00:213:1::2 > v6.jsonl
check "IPv6: 22 og 80 åpne" [ "$(jq -r 'select(.type=="port") | .port' v6.jsonl | tr '\n' ' ')" = "22 80 " ]
check "IPv6: ssh identifisert" [ "$(jq -r 'select(.type=="service" and .port==22) | .service' v6.jsonl)" = ssh ]
ip netns exec "$CLI" "$VARDE" scan -f csv -p 22,6379 --no-admin-pages $A > out.csv
check "CSV: topprad og redis-funn" bash -c "head -1 out.csv | grep -q '^addr,port,record' && grep -q '\"redis-no-auth\"' out.csv"
ip netns exec "$CLI" "$VARDE" scan -p 22 $A > out.txt
check "tabell: ssh-linje" grep -q '22/tcp  ssh' out.txt

# --- a host name target: SNI and the certificate checked against the name.
#     "localhost" inside the client namespace is that namespace's own loopback.
openssl req -x509 -newkey rsa:2048 -nodes -keyout lh.key -out lh.crt -days 30 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout ot.key -out ot.crt -days 30 \
  -subj /CN=annen.varde.test 2>/dev/null
bg "$CLI" socat OPENSSL-LISTEN:9443,bind=127.0.0.1,reuseaddr,fork,cert=$WORK/lh.crt,key=$WORK/lh.key,verify=0 SYSTEM:"cat $WORK/ftp.bin; sleep 1"
bg "$CLI" socat OPENSSL-LISTEN:9444,bind=127.0.0.1,reuseaddr,fork,cert=$WORK/ot.crt,key=$WORK/ot.key,verify=0 SYSTEM:"cat $WORK/ftp.bin; sleep 1"
wait_port "$CLI" 127.0.0.1 9443 && wait_port "$CLI" 127.0.0.1 9444
ip netns exec "$CLI" "$VARDE" scan -f json -p 9443,9444 --no-admin-pages localhost > lh.jsonl
check "navn: vertsposten bærer navnet" [ "$(jq -r 'select(.type=="host" and .addr=="127.0.0.1") | .name' lh.jsonl)" = localhost ]
check "navn: sertifikat for localhost passer" [ "$(jq -r 'select(.type=="tls" and .port==9443) | .name_mismatch' lh.jsonl)" = false ]
check "navn: annet navn gir funn med høy sikkerhet" jhas lh.jsonl 'select(.port==9444 and .id=="tls-cert-name-mismatch" and .confidence=="high")'
check "navn: ftp-banner bak TLS" [ "$(jq -r 'select(.type=="service" and .port==9443) | .service + " " + .method' lh.jsonl)" = "ftp tls+banner" ]
check "navn: utløper innen 30 dager" jhas lh.jsonl 'select(.port==9443 and .id=="tls-cert-expiring")'

# --- printer ports are skipped unless asked for ---
respond 9100 ftp.bin 0
wait_port "$SRV" $A 9100
ip netns exec "$CLI" "$VARDE" scan -f json -p 9099-9101 --no-service $A > pr.jsonl
check "skriverport 9100 hoppes over" [ -z "$(jq -r 'select(.type=="port") | .port' pr.jsonl)" ]
ip netns exec "$CLI" "$VARDE" scan -f json -p 9099-9101 --no-service --include-printer-ports $A > pr2.jsonl
check "--include-printer-ports skanner 9100" [ "$(jq -r 'select(.type=="port") | .port' pr2.jsonl)" = 9100 ]

# --- diff: stop redis, scan again, compare ---
ip netns exec "$CLI" "$VARDE" scan -f json -p 22,25,6379,8080 --no-admin-pages $A > before.jsonl
for p in "${PIDS[@]}"; do
  tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -q '^redis-server' && kill "$p"
done
printf 'HTTP/1.0 200 OK\r\nServer: Varde-test\r\n\r\n' > http.bin
respond 8080 http.bin 1
wait_port "$SRV" $A 8080
sleep 0.3
ip netns exec "$CLI" "$VARDE" scan -f json -p 22,25,6379,8080 --no-admin-pages $A > after.jsonl
"$VARDE" scan --diff -f json before.jsonl after.jsonl > diff.jsonl
check "diff avslutter med 1 (endringer)" [ $? -eq 1 ]
check "diff: 6379 lukket" jhas diff.jsonl 'select(.kind=="port-closed" and .port==6379)'
check "diff: 8080 ny" jhas diff.jsonl 'select(.kind=="port-new" and .port==8080)'
check "diff: redis-no-auth borte" jhas diff.jsonl 'select(.kind=="finding-gone" and .old=="redis-no-auth")'
"$VARDE" scan --diff after.jsonl after.jsonl >/dev/null
check "diff av lik fil: 0" [ $? -eq 0 ]

finish
