#!/usr/bin/env bash
# The container image without a container engine: assembles the final stage's root filesystem with
# the script the Dockerfile runs (scripts/image-rootfs.sh), then proves billet runs from it alone,
# as the Deployment runs it: user 65532, root filesystem read-only, /tmp a fresh tmpfs, policies
# and certificates mounted read-only where the Deployment mounts them, the Deployment's own args.
# Also fails when the Dockerfile stops building its final stage from that script.
# Needs root (chroot, mount namespaces) and iproute2 (scripts/deps.sh test).
# By hand:
#   bash scripts/image-rootfs.sh build/billet /tmp/root && chroot /tmp/root /billet version
# Usage: rootfs_test.sh BILLET SOURCE_DIR  (HBIN: a directory with yaml2json, instead of building it)
set -uo pipefail
BILLET=$1
SRC=$2
source "$SRC/tests/cli/testlib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "FAILED: needs root (chroot and a mount namespace; CI runs tests as root)"
  exit 1
fi
HBIN=${HBIN:-$(bash "$SRC/tests/packaging/helm/build.sh")} || { echo "FAILED: building yaml2json"; exit 1; }
Y2J=$HBIN/yaml2json

# --- The Dockerfile builds its final stage from scripts/image-rootfs.sh and nothing else. ---
# Instructions, continuation lines joined, comments dropped.
sed -e '/^\s*#/d' "$SRC/Dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' >"$T/instructions"
final=$(awk 'toupper($1) == "FROM" { n = NR } END { print n }' "$T/instructions")
tail -n +"$final" "$T/instructions" >"$T/final"
head -n "$((final - 1))" "$T/instructions" >"$T/build"
check "the final stage is FROM scratch" grep -qx 'FROM scratch' <(head -1 "$T/final")
copies=$(grep -Ei '^\s*(COPY|ADD)\b' "$T/final")
check "the final stage copies exactly one directory of the build stage ($copies)" \
  [ "$(grep -c . <<<"$copies")" -eq 1 ]
read -r _ from_flag rootfs dest <<<"$copies"
stage=${from_flag#--from=}
check "it copies from the build stage to /" [ "$dest" = / ]
check "that stage exists" grep -Eqi "^FROM .* AS $stage\$" "$T/build"
run=$(grep -E '^RUN .*scripts/image-rootfs\.sh' "$T/build" || true)
check "the build stage runs scripts/image-rootfs.sh" [ -n "$run" ]
read -r built root_arg < <(sed -E 's/.*scripts\/image-rootfs\.sh\s+(\S+)\s+(\S+).*/\1 \2/' <<<"$run")
check "into the directory the final stage copies ($root_arg = $rootfs)" [ "$root_arg" = "$rootfs" ]
# Built by scripts/build-release.sh DIR (DIR/billet), or by cmake -B DIR … --target billet.
check "from the binary the build stage builds ($built)" \
  grep -Eq -- "(-B $(dirname "$built")( |$).*--target $(basename "$built")|scripts/build-release\.sh $(dirname "$built")( |$))" \
  "$T/build"
check "which is billet" [ "$(basename "$built")" = billet ]
check "the image runs as 65532:65532" grep -qx 'USER 65532:65532' "$T/final"
check "the image runs /billet" grep -qx 'ENTRYPOINT \["/billet"\]' "$T/final"
check "no ENV in the final stage that this test would not apply" bash -c "! grep -qi '^ENV' '$T/final'"

# --- The root filesystem: what the list says, nothing else, nothing writable. ---
ROOT=$T/root
bash "$SRC/scripts/image-rootfs.sh" "$BILLET" "$ROOT" 2>"$T/assemble.err"
check "image-rootfs.sh assembles the root" [ $? -eq 0 ]
bash "$SRC/scripts/image-files.sh" "$BILLET" | awk '{ print $2 }' | sort >"$T/listed"
(cd "$ROOT" && find . -type f | sed 's/^\.//' | sort) >"$T/present"
check "the list names /billet, the dynamic loader and libc" \
  bash -c "grep -qx /billet '$T/listed' && grep -q '/ld-linux' '$T/listed' && grep -q '/libc.so' '$T/listed'"
check "the root holds the listed files and passwd/group only" \
  diff <(sort "$T/listed" <(printf '/etc/group\n/etc/passwd\n') ) "$T/present"
check "no shell in the image" bash -c "[ ! -e '$ROOT/bin/sh' ] && ! find '$ROOT' -name '*sh' -type f | grep -q ."
check "nothing writable by the user outside /tmp" \
  bash -c "[ -z \"\$(find '$ROOT' -path '$ROOT/tmp' -prune -o ! -type l -perm /022 -print)\" ]"
check "no setuid or setgid file" bash -c "[ -z \"\$(find '$ROOT' -perm /6000)\" ]"
check "user 65532 has a passwd entry" grep -q '^[^:]*:x:65532:65532:' "$ROOT/etc/passwd"
check "a second assembly into the same root is refused" \
  bash -c "! bash '$SRC/scripts/image-rootfs.sh' '$BILLET' '$ROOT' 2>/dev/null"

# --- billet runs from it alone. ---
out=$(chroot --userspec=65532:65532 "$ROOT" /billet version 2>&1)
check "chroot ROOT /billet version exits 0" [ $? -eq 0 ]
check "and prints what the build tree's billet prints" [ "$out" = "$("$BILLET" version 2>&1)" ]

# The Deployment's args, and the certificates and policies it mounts.
"$Y2J" <"$SRC/manifests/deploy/deployment.yaml" |
  jq -r '.[] | select(.kind == "Deployment") | .spec.template.spec.containers[0]' >"$T/container.json"
mapfile -t ARGS < <(jq -r '.args[]' "$T/container.json")
check "the Deployment serves (${ARGS[*]})" [ "${ARGS[0]}" = serve ]
arg() { printf '%s\n' "${ARGS[@]}" | sed -n "s/^--$1=//p"; }
mount_of() { jq -r --arg v "$1" '.volumeMounts[] | select(.name == $v) | .mountPath' "$T/container.json"; }
check "--policies is the policies volume" [ "$(arg policies)" = "$(mount_of policies)" ]
check "--tls-cert is in the tls volume" [ "$(dirname "$(arg tls-cert)")" = "$(mount_of tls)" ]
webhook_port=$(arg listen | sed 's/.*://')
metrics_port=$(arg metrics-listen | sed 's/.*://')
"$BILLET" certs generate --service billet --namespace billet-system --out "$T/tls" >/dev/null 2>&1
chmod 0644 "$T/tls/"*  # as a Secret volume mounts them (defaultMode 0644)
host=billet.billet-system.svc
# An API server stand-in for --kube-api=URL, whose certificate only the image's CA bundle can vouch
# for: bound over that bundle, it proves billet's OpenSSL finds the bundle where the image puts it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=api \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$T/api.key" -out "$T/api.crt" 2>/dev/null
chmod 0644 "$T/api.key"
ARGS_API=()
for a in "${ARGS[@]}"; do
  case $a in --kube-api=*) ARGS_API+=(--kube-api=https://127.0.0.1:6443) ;; *) ARGS_API+=("$a") ;; esac
done

# In mount and network namespaces of its own: the root read-only, /tmp a tmpfs (the emptyDir), the
# volumes bound read-only, loopback only (the Deployment's fixed ports collide with nothing).
cat >"$T/pod.sh" <<POD
set -u
mkdir -p "$ROOT$(mount_of policies)" "$ROOT$(mount_of tls)"
mount --bind "$ROOT" "$ROOT" && mount -o remount,ro,bind "$ROOT" || exit 10
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp" || exit 11
mount --bind -o ro "$SRC/manifests/policies" "$ROOT$(mount_of policies)" || exit 12
mount --bind -o ro "$T/tls" "$ROOT$(mount_of tls)" || exit 13
ip link set lo up || exit 14
touch "$ROOT/written" 2>/dev/null && exit 15
# A container's environment: nothing of this shell's, and the Deployment's POD_NAMESPACE.
env -i POD_NAMESPACE=billet-system \
  $(command -v chroot) --userspec=65532:65532 "$ROOT" /billet ${ARGS[*]} >"$T/serve.log" 2>&1 &
pid=\$!
for _ in \$(seq 100); do
  grep -q '"msg":"serving"' "$T/serve.log" && break
  kill -0 \$pid 2>/dev/null || break
  sleep 0.1
done
curl -sS --max-time 5 --cacert "$T/tls/ca.crt" --resolve "$host:$webhook_port:127.0.0.1" \
  -o /dev/null -w '%{http_code}' "https://$host:$webhook_port/healthz" >"$T/healthz" 2>"$T/curl.err"
curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$metrics_port/readyz" >"$T/readyz" 2>>"$T/curl.err"
curl -sS --max-time 5 --cacert "$T/tls/ca.crt" --resolve "$host:$webhook_port:127.0.0.1" \
  -H 'Content-Type: application/json' --data-binary @"$SRC/manifests/reviews/gpu-inference.json" \
  "https://$host:$webhook_port/mutate" >"$T/mutate.json" 2>>"$T/curl.err"
find "$ROOT/tmp" -mindepth 1 >"$T/tmp-files"
kill -TERM \$pid
wait \$pid
echo \$? >"$T/serve.rc"

# Again with --kube-api=URL: the Deployment generated for the review is applied through the stand-in.
mount --bind -o ro "$T/api.crt" "$ROOT/etc/ssl/certs/ca-certificates.crt" || exit 16
openssl s_server -quiet -www -cert "$T/api.crt" -key "$T/api.key" -accept 127.0.0.1:6443 >/dev/null 2>&1 &
api=\$!
env -i POD_NAMESPACE=billet-system \
  $(command -v chroot) --userspec=65532:65532 "$ROOT" /billet ${ARGS_API[*]} >"$T/serve-api.log" 2>&1 &
pid=\$!
for _ in \$(seq 100); do
  grep -q '"msg":"serving"' "$T/serve-api.log" && break
  sleep 0.1
done
curl -sS --max-time 5 --cacert "$T/tls/ca.crt" --resolve "$host:$webhook_port:127.0.0.1" -o /dev/null \
  -H 'Content-Type: application/json' --data-binary @"$SRC/manifests/reviews/gpu-inference.json" \
  "https://$host:$webhook_port/mutate" 2>>"$T/curl.err"
for _ in \$(seq 100); do
  grep -q 'generated object' "$T/serve-api.log" && break
  sleep 0.1
done
kill -TERM \$pid; wait \$pid
kill \$api; wait \$api
exit 0
POD
timeout 60 unshare -mn bash "$T/pod.sh"
rc=$?
check "the pod's namespaces are set up (rc $rc)" [ "$rc" -eq 0 ]
check "billet serve logs serving" grep -q '"msg":"serving"' "$T/serve.log"
check "GET /healthz over TLS answers 200" [ "$(cat "$T/healthz" 2>/dev/null)" = 200 ]
check "GET /readyz on the metrics port answers 200" [ "$(cat "$T/readyz" 2>/dev/null)" = 200 ]
"$BILLET" review -p "$SRC/manifests/policies" "$SRC/manifests/reviews/gpu-inference.json" >"$T/review.json"
check "POST /mutate answers what billet review does, byte for byte" cmp -s "$T/mutate.json" "$T/review.json"
check "and that answer is a patch" [ "$(jq -r .response.patchType "$T/mutate.json" 2>/dev/null)" = JSONPatch ]
check "billet wrote nothing to /tmp" [ ! -s "$T/tmp-files" ]
check "SIGTERM drains and exits 0" [ "$(cat "$T/serve.rc" 2>/dev/null)" = 0 ]
check "no error logged" bash -c "! grep -q '\"level\":\"error\"' '$T/serve.log'"
# The stand-in answers HTML, which billet refuses; what matters is that it got that far.
check "with --kube-api=URL, billet trusts the API server through the image's CA bundle" \
  grep -q '"msg":"cannot apply generated object".*"status":200' "$T/serve-api.log"
check "and no certificate error" bash -c "! grep -q 'certificate verify failed' '$T/serve-api.log'"

if [ "$failed" -ne 0 ]; then
  echo "--- serve log"; tail -20 "$T/serve.log" 2>/dev/null
  echo "--- serve log, --kube-api=URL"; tail -5 "$T/serve-api.log" 2>/dev/null
  echo "--- curl"; cat "$T/curl.err" 2>/dev/null
  echo "--- assemble"; cat "$T/assemble.err"
fi
finish
