# The ML operators' kinds of Settings.podTemplates on `kubectl apply` (CRDs: stand-ins
# from tests/cluster/testdata, no operator running): a RayCluster is stored with billet's GPU
# placement on its GPU worker group only, exactly as `billet lint --patched` makes it; a
# PyTorchJob whose GPU worker pods would be Burstable is refused at apply time, with billet's
# message naming the template, instead of becoming a job whose pods never appear; an Argo
# Workflow's GPU template is changed in place; a Warn result names the template in kubectl's
# warning.

scenario() {
  ns_create ml-prod ml-research
  local ex="$ROOT/manifests/examples/ml-operators"

  k apply -f "$ex/ray-cluster.yaml" > /dev/null
  k -n ml-prod get raycluster llm-serving -o json > "$T/ray.json"
  check "RayCluster: the GPU worker template carries the GPU placement" \
    has_gpu_placement "$(jq -c '.spec.workerGroupSpecs[0].template.spec' "$T/ray.json")"
  check "RayCluster: the CPU head template is left alone" \
    not has_gpu_placement "$(jq -c '.spec.headGroupSpec.template.spec' "$T/ray.json")"
  check "RayCluster: the worker's limits were completed from its requests" same 48Gi \
    "$(jq -r '.spec.workerGroupSpecs[0].template.spec.containers[0].resources.limits.memory' "$T/ray.json")"
  "$BILLET" lint -p "$ROOT/manifests/policies" -f "$ex/ray-cluster.yaml" --patched --output json \
    | jq '.items[0]' > "$T/ray.lint.json"
  check "RayCluster: stored exactly as lint --patched says" same_objects "$T/ray.lint.json" "$T/ray.json"

  if k apply -f "$ex/pytorch-job.yaml" > /dev/null 2> "$T/deny.err"; then
    check "PyTorchJob: the API server rejects it" false
  else
    check "PyTorchJob: denied with billet's message, naming the template" grep -qF \
      'gpu-workloads/require-gpu-limits: spec.pytorchReplicaSpecs.Worker.template: GPU containers must set limits' \
      "$T/deny.err"
  fi
  stored() { k -n ml-research get pytorchjob finetune-bert > /dev/null 2>&1; }
  check "PyTorchJob: nothing was stored" not stored

  k apply -f "$ex/argo-workflow.yaml" > /dev/null
  k -n ml-research get workflow eval-nightly -o json > "$T/wf.json"
  check "Workflow: the GPU template is placed" has_gpu_placement "$(jq -c '.spec.templates[2]' "$T/wf.json")"
  check "Workflow: the CPU step is not" not has_gpu_placement "$(jq -c '.spec.templates[1]' "$T/wf.json")"
  check "Workflow: safe-to-evict on the GPU template's pod metadata" holds \
    '.spec.templates[2].metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] == "true"' \
    "$T/wf.json"

  k apply -f "$ex/leaderworkerset.yaml" > /dev/null 2> "$T/lws.err"
  check "LeaderWorkerSet: the Warn result is a kubectl warning naming the template" grep -qF \
    'gpu-cold-starts/startup-probe: spec.leaderWorkerTemplate.leaderTemplate: container "vllm-leader"' \
    "$T/lws.err"
}
