# netns_lib.sh — shared set-up for the scanner's namespace tests: creates a
# client namespace (where varde runs) and target namespaces joined by veth
# pairs, with addresses the test chooses in 10.213.0.0/16 and fd00:213::/32.
# Nothing outside the namespaces this file creates is ever addressed.

skip() { echo "1..0 # SKIP $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "trenger root (ip netns)"
command -v ip >/dev/null || skip "iproute2 mangler"

# a machine-wide ceiling would change what these tests see
[ -e /etc/varde/scan.conf ] && skip "/etc/varde/scan.conf finnes på maskinen"
TAG=vs$$
CLI=$TAG-cli
PIDS=()
NSES=()
WORK=$(mktemp -d /tmp/varde-scan-test.XXXXXX)

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null; done
  [ -n "${KEEP_WORK:-}" ] && echo "# beholder $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

ns_add() { # name
  ip netns add "$1" || skip "ip netns add virker ikke her"
  NSES+=("$1")
  ip -n "$1" link set lo up
}

# link CLIENT-NS TARGET-NS SUBNET-INDEX: veth pair with 10.213.N.1 (client)
# and 10.213.N.2 (target), fd00:213:N::1 and ::2.
ns_link() {
  local a=$1 b=$2 n=$3 ia=${TAG}a$3 ib=${TAG}b$3
  ip link add "$ia" netns "$a" type veth peer name "$ib" netns "$b" || skip "veth virker ikke"
  ip -n "$a" addr add "10.213.$n.1/24" dev "$ia"
  ip -n "$b" addr add "10.213.$n.2/24" dev "$ib"
  ip -n "$a" addr add "fd00:213:$n::1/64" dev "$ia" nodad
  ip -n "$b" addr add "fd00:213:$n::2/64" dev "$ib" nodad
  ip -n "$a" link set "$ia" up
  ip -n "$b" link set "$ib" up
}

# bg NS CMD...: runs CMD inside NS in the background, remembers its pid.
bg() {
  local ns=$1; shift
  ip netns exec "$ns" "$@" >>"$WORK/daemons.log" 2>&1 &
  PIDS+=($!)
}

# wait_port NS ADDR PORT: until something listens (max ~10 s).
wait_port() {
  for _ in $(seq 1 100); do
    ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "# ingen lytter på $2:$3" >&2
  return 1
}

T=0 FAILED=0
ok() { T=$((T + 1)); echo "ok $T - $*"; }
not_ok() { T=$((T + 1)); FAILED=$((FAILED + 1)); echo "not ok $T - $*"; }
check() { # description, command...
  local d=$1; shift
  if "$@"; then ok "$d"; else not_ok "$d"; fi
}
finish() { echo "1..$T"; [ "$FAILED" -eq 0 ]; }
