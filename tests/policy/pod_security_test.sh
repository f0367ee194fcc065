#!/usr/bin/env bash
# billet's pod-security policy against Kubernetes' own Pod Security Standards library: both judge
# the same pods, and any difference (allowed or not, and which checks failed) fails the test.
#   pod_security_test.sh BILLET SOURCE_DIR
# Pods judged: every workload of manifests/examples/, the generated set in
# tests/policy/pod_security/pods.yaml (each check's allowed and forbidden values), and the
# library's own test fixtures (baseline and restricted, every version, each distinct file once).
# The oracle is built from pinned Go modules (tests/policy/pod_security_oracle/build.sh, cached).
set -uo pipefail
billet=$1
root=$2
. "$root/tests/cli/testlib.sh"
if ! command -v go >/dev/null; then
  echo "SKIPPED: Go is not installed; the oracle needs it (Go is a test peer only)"
  exit 77
fi
oracle=$(bash "$root/tests/policy/pod_security_oracle/build.sh") || { echo "FAILED: building the oracle"; exit 1; }
fixtures=$(bash "$root/tests/policy/pod_security_oracle/build.sh" --fixtures)
policy=$root/manifests/policies/pod-security.yaml

# billet's rule names for the library's check IDs (one rule per check).
rule_map='{"privileged":"privileged","hostNamespaces":"host-namespaces",
  "hostPathVolumes":"host-path-volumes","hostPorts":"host-ports",
  "capabilities_baseline":"capabilities","procMount":"proc-mount","sysctls":"sysctls",
  "seccompProfile_baseline":"seccomp","appArmorProfile":"apparmor","seLinuxOptions":"selinux",
  "windowsHostProcess":"windows-host-process","hostProbesAndHostLifecycle":"probe-hosts"}'

# compare NAME FILE...: one line per workload "Kind/ns/name allowed|denied rule,rule" from each
# side; every line must be the same.
compare() {
  local name=$1
  shift
  if ! "$oracle" "$@" >"$T/$name.oracle.json"; then
    check "$name: the oracle reads every pod" false
    return
  fi
  jq -r --argjson map "$rule_map" '.[] |
      "\(.kind)/\(.namespace)/\(.name) \(if .allowed then "allowed" else "denied" end) \(
        [.failed[] | $map[.] // ("unknown check " + .)] | sort | join(","))"' \
    "$T/$name.oracle.json" | sort >"$T/$name.oracle"
  "$billet" lint -p "$policy" -f "$@" --output json >"$T/$name.billet.json" 2>"$T/$name.stderr"
  local rc=$?
  check "$name: billet lint runs (exit $rc)" [ $rc -eq 0 ]
  # The library judges Pods and the built-in controllers' templates; the kinds of
  # Settings.podTemplates (manifests/examples/ml-operators/) are billet's alone.
  jq -r '.resources[] | select(any(.results[]; .policy == "pod-security")) |
      select(.apiVersion | (contains("/") | not) or startswith("apps/") or startswith("batch/")) |
      [.results[] | select(.policy == "pod-security" and (.result == "warn" or .result == "fail"))
        | .rule] as $bad |
      "\(.kind)/\(.namespace)/\(.name) \(if ($bad | length) == 0 then "allowed" else "denied" end) \(
        $bad | unique | sort | join(","))"' "$T/$name.billet.json" | sort >"$T/$name.billet"
  # Every rule of the policy reports on every workload (pass or warn, never skip or error).
  local incomplete
  incomplete=$(jq -r '.resources[] | select(any(.results[]; .policy == "pod-security")) |
      select([.results[] | select(.policy == "pod-security" and
        (.result == "pass" or .result == "warn"))] | length != 12) | .name' "$T/$name.billet.json")
  check "$name: all 12 rules pass or warn on every workload ($incomplete)" [ -z "$incomplete" ]
  local n
  n=$(wc -l <"$T/$name.oracle")
  check "$name: the oracle judged some workloads ($n)" [ "$n" -gt 0 ]
  if diff "$T/$name.oracle" "$T/$name.billet" >"$T/$name.diff"; then
    check "$name: billet agrees with Kubernetes' library on $n workloads" true
  else
    echo "--- $name: Kubernetes' library (<) and billet (>) differ:"
    cat "$T/$name.diff"
    check "$name: billet agrees with Kubernetes' library" false
  fi
}

compare examples "$root/manifests/examples"
compare generated "$root/tests/policy/pod_security/pods.yaml"
n_denied=$(grep -c ' denied ' "$T/generated.oracle")
n_allowed=$(grep -c ' allowed ' "$T/generated.oracle")
check "the generated set has allowed ($n_allowed) and denied ($n_denied) pods" \
  [ "$n_allowed" -ge 20 ] && [ "$n_denied" -ge 20 ]
for id in $(jq -r 'keys[]' <<<"$rule_map"); do
  check "the generated set fails check $id somewhere" \
    jq -e --arg id "$id" 'any(.[]; .failed | index($id))' "$T/generated.oracle.json" >/dev/null
done

if [ -n "$fixtures" ]; then
  # Fixture names repeat across versions with different contents: each distinct file once,
  # renamed with a counter so that both sides name it alike.
  mkdir -p "$T/fixtures"
  i=0
  while read -r f; do
    i=$((i + 1))
    awk -v s="-$i" '/^metadata:/ { m = 1 } m == 1 && /^  name: / { print $0 s; m = 2; next } { print }' \
      "$f" >"$T/fixtures/$i.yaml"
  done < <(find "$fixtures" -name '*.yaml' -print0 | xargs -0 md5sum | sort -k1,1 -u | awk '{print $2}' | sort)
  check "the library ships fixtures ($i)" [ "$i" -gt 100 ]
  compare fixtures "$T/fixtures"
else
  echo "note: k8s.io/pod-security-admission ships no test fixtures at this version"
fi
finish
