#!/usr/bin/env bash
# deps.sh — install what Varde needs on Debian 12: the packages in
# scripts/packages.txt that are missing, and the npm packages of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
while read -r pkg; do
  case "$pkg" in ''|'#'*) continue ;; esac
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done < scripts/packages.txt

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Mangler Debian-pakker: ${missing[*]}" >&2
    echo "Kjør som root, eller: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "Installerer Debian-pakker: ${missing[*]}"
  apt-get update -qq
  # Packages such as nginx, sshd, exim4 and redis would start system services
  # on install; tests run their own instances, so forbid that while installing.
  rcd=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    rcd=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$rcd" ] || rm -f /usr/sbin/policy-rc.d
fi

if [ "${1:-}" = "--tests" ] && [ -f tests/node/package.json ] && [ ! -d tests/node/node_modules ]; then
  echo "Installerer npm-pakker for testene"
  (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
fi
