#!/usr/bin/env bash
# Installs every build and test dependency from Debian's packages (needs root or sudo).
set -euo pipefail
packages=(
  build-essential cmake ccache pkg-config
  libcaf-dev libcurl4-openssl-dev libssl-dev
  libboost-json1.81-dev libboost-url1.81-dev libboost1.81-dev
  libcli11-dev catch2
  python3 python3-jsonschema python3-yaml strace openssl ca-certificates
  clang-14 libclang-rt-14-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
