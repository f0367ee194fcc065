# A LIST slower than etcd's compaction: etcd is compacted between two pages, so the next page's
# continue token has expired (410), as the API server answers it from etcd (watch cache off, the
# path every expired token ends on). billet's client (tests/cluster/list_probe.cc) goes on with
# the token the 410 offers and hands no object over twice; a consumer that needs one snapshot
# (a watch's list) starts over and gets every object of the fresh one.
CLUSTER_ONLY=1

scenario() {
  [ -x "${LIST_PROBE:-}" ] || die "LIST_PROBE does not name the list_probe binary"
  apiserver_restart 1 --watch-cache=false
  ns_create paged
  for n in b d f h; do k -n paged create configmap "$n" > /dev/null; done
  # Between the pages: a ConfigMap before the ones already listed and one after them, then
  # etcd compacted up to the revision that made them.
  cat > "$WORK/compact.sh" <<SCRIPT
set -e
"$CLUSTER_BIN/kubectl" --kubeconfig "$KUBECONFIG" -n paged create configmap "\$1" > /dev/null
"$CLUSTER_BIN/kubectl" --kubeconfig "$KUBECONFIG" -n paged create configmap "\$2" > /dev/null
rev=\$(curl -sf -X POST "$ETCD_URL/v3/kv/range" -d '{"key":"AA=="}' | jq -r .header.revision)
curl -sf -X POST "$ETCD_URL/v3/kv/compaction" -d "{\"revision\":\"\$rev\",\"physical\":true}" > /dev/null
SCRIPT
  local out="$WORK/list.out"
  "$LIST_PROBE" "$KUBECONFIG" /api/v1/namespaces/paged/configmaps 2 "bash $WORK/compact.sh a g" \
    > "$out" 2> "$WORK/list.err" || { cat "$WORK/list.err" >&2; die "list_probe failed"; }
  check "the expired token was seen, and the list went on" grep -qx "items 5 resumed 1" "$out"
  check "every object present throughout, once, in key order, and the one created after them" \
    [ "$(grep / "$out" | tr '\n' ' ')" = "paged/b paged/d paged/f paged/g paged/h " ]

  # The same for a consumer that starts over: every object of the fresh snapshot, once after
  # the restart (b and d were handed over before it).
  "$LIST_PROBE" "$KUBECONFIG" /api/v1/namespaces/paged/configmaps 2 "bash $WORK/compact.sh c e" \
    consistent > "$out" 2> "$WORK/list.err" || { cat "$WORK/list.err" >&2; die "list_probe failed"; }
  check "the consistent list started over once" grep -qx "restarts 1" "$out"
  check "after the restart, the whole fresh snapshot" \
    [ "$(grep / "$out" | tr '\n' ' ')" = "paged/a paged/b paged/a paged/b paged/c paged/d paged/e paged/f paged/g paged/h " ]
  check "items counts the fresh snapshot" grep -qx "items 8 resumed 1" "$out"
}
