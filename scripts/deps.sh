#!/usr/bin/env bash
# Installs the Debian (bookworm) packages billet needs, and only those that are missing.
#   scripts/deps.sh build   # compiler, CMake, libraries
#   scripts/deps.sh image   # build + what the container image copies besides them (CA certificates)
#   scripts/deps.sh test    # image + the real clients the tests drive (curl, openssl, wrk, promtool,
#                           # chromium for the HTML report test, iproute2 for the image test,
#                           # clang-format for the layout check)
set -euo pipefail

build_pkgs=(g++ cmake ninja-build pkg-config libboost-dev libssl-dev libre2-dev libyaml-cpp-dev
            libsimdjson-dev prometheus-cpp-dev catch2 nlohmann-json3-dev libbenchmark-dev ccache
            libgoogle-perftools-dev)
image_pkgs=(ca-certificates)
test_pkgs=(curl openssl jq wrk prometheus nginx-light chromium iproute2 clang-format)

case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  image) want=("${build_pkgs[@]}" "${image_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${image_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: deps.sh [build|image|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# prometheus (for promtool) would start a service on install; policy-rc.d keeps it from doing so.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
