#!/usr/bin/env bash
# The files of billet's container image, one "SOURCE TARGET" pair a line: the binary, every
# shared library it loads (as the dynamic loader resolves them, the loader itself included) and
# the CA certificates. The one list of them: scripts/image-rootfs.sh copies exactly these, the
# Dockerfile runs that script, and tests/packaging/rootfs_test.sh runs it too.
#   scripts/image-files.sh build/billet
set -euo pipefail
binary=${1:?usage: image-files.sh BINARY}
[ -x "$binary" ] || { echo "image-files.sh: $binary: not an executable" >&2; exit 2; }
# Debian's bundle of the system's trusted CAs (package ca-certificates).
cacerts=/etc/ssl/certs/ca-certificates.crt
[ -f "$cacerts" ] || { echo "image-files.sh: $cacerts missing (install ca-certificates)" >&2; exit 2; }

echo "$binary /billet"
# ldd prints "libx.so.1 => /path/libx.so.1 (0x...)" for libraries found on the search path and
# "/lib64/ld-linux-x86-64.so.2 (0x...)" for the loader; linux-vdso has no file. Any "not found"
# must stop the build: an image missing a library fails only when it starts.
deps=$(ldd "$binary")
if grep -q 'not found' <<<"$deps"; then
  echo "image-files.sh: $binary: unresolved libraries:" >&2
  grep 'not found' <<<"$deps" >&2
  exit 2
fi
awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$deps" | sort -u |
  while read -r lib; do echo "$lib $lib"; done
echo "$cacerts $cacerts"
