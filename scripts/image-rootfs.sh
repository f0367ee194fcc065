#!/usr/bin/env bash
# Assembles the root filesystem of billet's container image into ROOT: the files
# scripts/image-files.sh lists (copied with symlinks resolved, so each exists at the path the
# loader asks for), a passwd/group entry for the non-root user 65532, an empty /tmp, and OpenSSL's
# default CA path pointing at the bundle. The Dockerfile's build stage runs this, and its final
# stage is exactly ROOT; tests/packaging/rootfs_test.sh runs it without a container engine.
#   scripts/image-rootfs.sh build/billet /rootfs
set -euo pipefail
umask 022  # files readable by the image's user, writable by none
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: image-rootfs.sh BINARY ROOT}
root=${2:?usage: image-rootfs.sh BINARY ROOT}
if [ -e "$root" ] && [ -n "$(ls -A "$root")" ]; then
  echo "image-rootfs.sh: $root is not empty" >&2
  exit 2
fi
files=$(bash "$here/image-files.sh" "$binary")

mkdir -p "$root"
while read -r src dst; do
  mkdir -p "$root$(dirname "$dst")"
  if [ "$dst" = /billet ]; then
    # Debug info is for the build tree; the image carries the code only.
    strip --strip-debug -o "$root$dst" "$src"
  else
    cp -L "$src" "$root$dst"
  fi
done <<<"$files"

# OpenSSL looks for trusted CAs under its compiled-in directory (OPENSSLDIR, /usr/lib/ssl on
# Debian), where Debian links cert.pem to the bundle; do the same.
ssldir=$(openssl version -d | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')
mkdir -p "$root$ssldir"
ln -s /etc/ssl/certs/ca-certificates.crt "$root$ssldir/cert.pem"

# The user the image runs as (USER 65532:65532), so that tools inside and outside name it.
mkdir -p "$root/etc"
echo "nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin" >"$root/etc/passwd"
echo "nonroot:x:65532:" >"$root/etc/group"
# Where billet writes (--self-signed's CA); the Deployment mounts an emptyDir here, as the root
# filesystem is read-only.
mkdir -m 1777 "$root/tmp"
