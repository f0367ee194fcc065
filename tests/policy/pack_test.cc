// The bundled policy pack (manifests/policies) against its examples (manifests/examples), through
// the offline path `billet lint` uses, checked against what docs/policies.md and the examples'
// comments promise; and the ServiceGroup and NodePool documents on their own: tier choice,
// strict loading, and which tolerations tolerate a taint.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli/offline.h"
#include "json/write.h"
#include "policy/compiled.h"
#include "policy/node_pool.h"
#include "policy/policy_set.h"
#include "policy/service_group.h"
#include "policy/source.h"

using billet::json::Value;
namespace cli = billet::cli;
namespace policy = billet::policy;

namespace {

const std::string kRoot = BILLET_SOURCE_DIR;

// A value written in YAML flow style, e.g. `{cpu: '1'}` or `[a, b]`.
Value yaml(const std::string& text) {
  std::vector<policy::Document> docs;
  std::vector<policy::LoadError> errors;
  policy::parseDocuments({"inline", "{v: " + text + "}"}, docs, errors);
  REQUIRE(errors.empty());
  REQUIRE(docs.size() == 1);
  return *policy::toValue(docs[0].node).find("v");
}

// One YAML document in block style.
Value document(const std::string& text) {
  std::vector<policy::Document> docs;
  std::vector<policy::LoadError> errors;
  policy::parseDocuments({"inline", text}, docs, errors);
  REQUIRE(errors.empty());
  REQUIRE(docs.size() == 1);
  return policy::toValue(docs[0].node);
}

const Value& at(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* p = billet::json::dig(v, keys);
  INFO("missing field in " << billet::json::write(v));
  REQUIRE(p);
  return *p;
}

const Value& container(const Value& podSpec, std::size_t i) {
  const Value& list = at(podSpec, {"containers"});
  REQUIRE(list.size() > i);
  return list.asArray()[i];
}

struct Pack {
  policy::LoadResult loaded;
  std::vector<cli::Resource> resources;
  std::map<std::string, cli::ResourceReport> reports;  // by Kind/namespace/name
};

const Pack& pack() {
  static const Pack p = [] {
    Pack out;
    out.loaded = policy::loadPolicies(billet::base::readTextFiles({kRoot + "/manifests/policies"}));
    if (!out.loaded.ok()) return out;
    std::vector<policy::LoadError> errors;
    cli::Identity identity;
    out.resources = cli::loadResources({kRoot + "/manifests/examples"}, identity, errors);
    for (const policy::LoadError& e : errors) UNSCOPED_INFO(e.format());
    if (!errors.empty()) out.resources.clear();
    for (const cli::Resource& r : out.resources)
      out.reports.emplace(r.id(), cli::evaluate(*out.loaded.set, r, identity));
    return out;
  }();
  return p;
}

const cli::ResourceReport& report(const std::string& id) {
  const Pack& p = pack();
  auto it = p.reports.find(id);
  INFO("no example " << id);
  REQUIRE(it != p.reports.end());
  return it->second;
}

const policy::RuleResult& resultOf(const cli::ResourceReport& rep, const std::string& rule) {
  for (const policy::RuleResult& r : rep.results)
    if (r.policy + "/" + r.rule == rule) return r;
  FAIL("no result for " << rule);
  return rep.results.front();
}

// The pod spec of a patched example.
const Value& podOf(const cli::ResourceReport& rep) {
  if (rep.resource->kind == "Pod") return at(rep.patched, {"spec"});
  if (rep.resource->kind == "CronJob")
    return at(rep.patched, {"spec", "jobTemplate", "spec", "template", "spec"});
  return at(rep.patched, {"spec", "template", "spec"});
}

}  // namespace

TEST_CASE("the bundled pack loads without errors or warnings") {
  const Pack& p = pack();
  for (const policy::LoadError& e : p.loaded.errors) UNSCOPED_INFO(e.format());
  for (const std::string& w : p.loaded.warnings) UNSCOPED_INFO(w);
  REQUIRE(p.loaded.ok());
  CHECK(p.loaded.warnings.empty());
  std::map<std::string, int> counts(p.loaded.set->counts.begin(), p.loaded.set->counts.end());
  CHECK(counts["Settings"] == 1);
  CHECK(counts["ServiceGroup"] == 5);
  CHECK(counts["NodePool"] == 1);
  CHECK(counts["Policy"] == 9);
  // Evaluation order (SPEC §4.1): ServiceGroups by name, NodePools, Policies by order.
  std::vector<std::string> order;
  for (const policy::CompiledPolicy& c : p.loaded.set->policies)
    order.push_back(c.kind + "/" + c.name);
  CHECK(order == std::vector<std::string>{
                     "ServiceGroup/scheduling-services", "ServiceGroup/sync-services",
                     "ServiceGroup/thanos-query", "ServiceGroup/thanos-receive",
                     "ServiceGroup/workload-services", "NodePool/runtime", "Policy/gpu-workloads",
                     "Policy/gpu-cold-starts", "Policy/scale-to-zero", "Policy/runai-control-plane",
                     "Policy/high-availability", "Policy/runtime-spread",
                     "Policy/prometheus-at-scale", "Policy/pod-security", "Policy/baseline"});
}

TEST_CASE("every example gets exactly the results docs/policies.md promises") {
  const Pack& p = pack();
  REQUIRE(p.loaded.ok());
  // Every result that is not `skip` (pod-security: only its warnings, its passes are checked
  // below); every rule not listed must skip.
  const std::map<std::string, std::map<std::string, std::string>> expected = {
      {"Deployment/web/docs-site",
       {{"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"CronJob/ml-prod/nightly-retrain",
       {{"gpu-workloads/guaranteed-qos", "pass"},
        {"gpu-workloads/gpu-placement", "pass"},
        {"scale-to-zero/do-not-disrupt", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Deployment/ml-prod/gpu-executor",
       {{"gpu-workloads/gpu-placement", "pass"},
        {"scale-to-zero/safe-to-evict", "pass"},
        {"high-availability/spread-replicas", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "fail"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "warn"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Deployment/ml-prod/gpu-inference",
       {{"gpu-workloads/guaranteed-qos", "pass"},
        {"gpu-workloads/gpu-placement", "pass"},
        {"scale-to-zero/safe-to-evict", "pass"},
        {"high-availability/spread-replicas", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Job/ml-research/train-resnet",
       {{"gpu-workloads/guaranteed-qos", "pass"},
        {"gpu-workloads/gpu-placement", "pass"},
        {"scale-to-zero/safe-to-evict", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Deployment/ml-prod/llm-server",
       {{"gpu-workloads/gpu-placement", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "warn"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Deployment/ml-prod/embedding-server",
       {{"gpu-workloads/gpu-placement", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Pod/ml-research/jupyter-gpu",
       {{"gpu-workloads/gpu-placement", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "fail"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Deployment/hetida/hetida-runtime",
       {{"runtime/place-members", "pass"},
        {"high-availability/spread-replicas", "pass"},
        {"runtime-spread/one-per-node", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Pod/default/debug-shell",
       {{"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "warn"},
        {"baseline/forbid-latest-tag", "warn"}}},
      {"DaemonSet/monitoring/node-exporter",
       {{"runtime/keep-outsiders-out", "pass"},
        {"pod-security/host-namespaces", "warn"},
        {"pod-security/host-path-volumes", "warn"},
        {"pod-security/host-ports", "warn"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Node/runtime-node-1", {{"runtime/taint-nodes", "pass"}}},
      {"Node/worker-7", {}},
      {"Pod/analytics/sneaky-batch",
       {{"runtime/keep-outsiders-out", "fail"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Pod/analytics/tolerate-all",
       {{"runtime/keep-outsiders-out", "fail"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Prometheus/monitoring/k8s", {{"prometheus-at-scale/remote-write-queue", "pass"}}},
      {"PrometheusAgent/monitoring/agent", {{"prometheus-at-scale/remote-write-queue", "pass"}}},
      {"Deployment/runai-backend/runai-backend-backend",
       {{"runai-control-plane/replicas", "pass"},
        {"high-availability/spread-replicas", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Deployment/runai-backend/runai-backend-frontend",
       {{"runai-control-plane/replicas", "pass"},
        {"high-availability/spread-replicas", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Deployment/runai-backend/runai-backend-grafana",
       {{"high-availability/spread-replicas", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Deployment/runai-backend/runai-backend-thanos-query",
       {{"thanos-query/resources", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"StatefulSet/runai-backend/runai-backend-thanos-receive",
       {{"thanos-receive/resources", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Deployment/runai/runai-scheduler",
       {{"scheduling-services/resources", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"StatefulSet/data/postgres",
       {{"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Deployment/runai/runai-agent",
       {{"sync-services/resources", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"Deployment/runai/cluster-sync",
       {{"sync-services/resources", "pass"},
        {"high-availability/spread-replicas", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"},
        {"high-availability/pod-disruption-budget", "pass"}}},
      {"Deployment/runai/workload-controller",
       {{"workload-services/resources", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      // ML operators' kinds (Settings.podTemplates), manifests/examples/ml-operators/.
      {"Workflow/ml-research/eval-nightly",
       {{"gpu-workloads/guaranteed-qos", "pass"},
        {"gpu-workloads/gpu-placement", "pass"},
        {"scale-to-zero/safe-to-evict", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"JobSet/ml-research/pretrain-7b",
       {{"gpu-workloads/guaranteed-qos", "pass"},
        {"gpu-workloads/gpu-placement", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"InferenceService/ml-prod/chat-assistant",
       {{"gpu-workloads/gpu-placement", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"LeaderWorkerSet/ml-prod/llm-multinode",
       {{"gpu-workloads/gpu-placement", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "warn"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"PyTorchJob/ml-research/finetune-bert",
       {{"gpu-workloads/gpu-placement", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "fail"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "warn"},
        {"baseline/forbid-latest-tag", "pass"}}},
      {"RayCluster/ml-prod/llm-serving",
       {{"gpu-workloads/guaranteed-qos", "pass"},
        {"gpu-workloads/gpu-placement", "pass"},
        {"scale-to-zero/safe-to-evict", "pass"},
        {"runtime/keep-outsiders-out", "pass"},
        {"gpu-workloads/require-gpu-limits", "pass"},
        {"gpu-cold-starts/startup-probe", "pass"},
        {"baseline/require-resources", "pass"},
        {"baseline/forbid-latest-tag", "pass"}}},
  };
  std::set<std::string> seen;
  for (const cli::Resource& r : p.resources) seen.insert(r.id());
  std::set<std::string> promised;
  for (const auto& [id, results] : expected) promised.insert(id);
  CHECK(seen == promised);  // no example is left unchecked

  for (const auto& [id, results] : expected) {
    INFO(id);
    const cli::ResourceReport& rep = report(id);
    std::map<std::string, std::string> got;
    int podSecurityPasses = 0;
    for (const policy::RuleResult& r : rep.results) {
      INFO(r.policy << "/" << r.rule << ": " << r.message);
      CHECK(r.outcome != policy::Outcome::Error);  // includes "does not converge"
      if (r.outcome == policy::Outcome::Skip) continue;
      if (r.policy == "pod-security" && r.outcome == policy::Outcome::Pass) {
        ++podSecurityPasses;
        continue;
      }
      got[r.policy + "/" + r.rule] = std::string(policy::name(r.outcome));
    }
    CHECK(got == results);
    // pod-security's 12 rules report on every workload: each passes or is listed above.
    int podSecurityListed = 0;
    for (const auto& [rule, result] : results)
      podSecurityListed += rule.rfind("pod-security/", 0) == 0 ? 1 : 0;
    bool workload = rep.resource->kind != "Node" && rep.resource->kind != "Prometheus" &&
                    rep.resource->kind != "PrometheusAgent";
    CHECK(podSecurityPasses + podSecurityListed == (workload ? 12 : 0));
    // No conflicts, raised limits or other notices anywhere in the pack.
    for (const std::string& n : rep.notes) UNSCOPED_INFO(n);
    CHECK(rep.notes.empty());
    bool denied = id == "Deployment/ml-prod/gpu-executor" || id == "Pod/analytics/sneaky-batch" ||
                  id == "Pod/analytics/tolerate-all" || id == "Pod/ml-research/jupyter-gpu" ||
                  id == "PyTorchJob/ml-research/finetune-bert";
    CHECK(rep.enforceFailure == denied);
  }
}

TEST_CASE("the pack's messages are the ones the docs quote") {
  REQUIRE(pack().loaded.ok());
  const std::string gpuLimits =
      "GPU containers must set limits: non-zero cpu and memory, equal to requests";
  CHECK(resultOf(report("Deployment/ml-prod/gpu-executor"), "gpu-workloads/require-gpu-limits")
            .message ==
        gpuLimits + " (container \"marie\"); " + gpuLimits + " (container \"log-shipper\")");
  CHECK(
      resultOf(report("Pod/ml-research/jupyter-gpu"), "gpu-workloads/require-gpu-limits").message ==
      gpuLimits + " (container \"notebook\")");
  CHECK(
      resultOf(report("Deployment/ml-prod/llm-server"), "gpu-cold-starts/startup-probe").message ==
      "container \"server\" startup probe allows 300s (30x10s+0s), needs 600s");
  CHECK(resultOf(report("DaemonSet/monitoring/node-exporter"), "pod-security/host-ports").message ==
        "container \"node-exporter\" must not use hostPort 9100: expose it with a Service");
  CHECK(resultOf(report("DaemonSet/monitoring/node-exporter"), "pod-security/host-namespaces")
            .message ==
        "pod must not use the host network: remove hostNetwork: true; pod must not share the host "
        "PID namespace: remove hostPID: true");
  CHECK(resultOf(report("Pod/analytics/sneaky-batch"), "runtime/keep-outsiders-out").message ==
        "not in node pool \"runtime\" but tolerates its taint (toleration {key: billet.dev/pool, "
        "operator: Exists, effect: NoSchedule})");
  CHECK(resultOf(report("Pod/analytics/tolerate-all"), "runtime/keep-outsiders-out").message ==
        "not in node pool \"runtime\" but tolerates its taint (toleration {operator: Exists})");
  CHECK(resultOf(report("Pod/default/debug-shell"), "baseline/forbid-latest-tag").message ==
        "container \"shell\" must pin its image to a version or digest, not :latest");
  // --explain names the tier and where every value comes from.
  CHECK(resultOf(report("Deployment/runai/runai-scheduler"), "scheduling-services/resources")
            .message ==
        "tier \"large\" (nodes 120 <= 500, workloads 2000 <= 8500): cpu request 2 from tier, "
        "memory request 7Gi from tier, cpu limit 4 from tier, memory limit 14Gi from tier");
  for (const policy::Change& c : report("Deployment/runai/runai-scheduler").changes) {
    CHECK(c.policy == "scheduling-services");
    CHECK(c.detail.rfind("tier \"large\" (", 0) == 0);
  }
  CHECK(resultOf(report("Deployment/runai/runai-agent"), "sync-services/resources").message ==
        "tier \"large\" (nodes 120 <= 500, workloads 2000 <= 8500): cpu request 1 from tier, "
        "memory request 1Gi from tier, cpu limit 2 from tier, memory limit 2Gi from tier");
}

TEST_CASE("the scheduling services get the large tier, filling in only what is missing") {
  REQUIRE(pack().loaded.ok());
  const cli::ResourceReport& rep = report("Deployment/runai/runai-scheduler");
  const Value& pod = podOf(rep);
  CHECK(at(container(pod, 0), {"name"}).asString() == "scheduler");
  CHECK(at(container(pod, 0), {"resources"}) ==
        yaml("{requests: {cpu: '2', memory: 7Gi}, limits: {cpu: '4', memory: 14Gi}}"));
  CHECK(at(container(pod, 1), {"resources"}) ==
        yaml("{requests: {cpu: 500m, memory: 7Gi}, limits: {cpu: '4', memory: 14Gi}}"));
  // binder sets all four and kube-rbac-proxy is not a member: untouched.
  const Value& original = at(rep.resource->object, {"spec", "template", "spec"});
  CHECK(container(pod, 2) == container(original, 2));
  CHECK(container(pod, 3) == container(original, 3));
  CHECK(pod.find("initContainers") == nullptr);
}

TEST_CASE("sync and workload services get the large-cluster sizing") {
  REQUIRE(pack().loaded.ok());
  Value want = yaml("{requests: {cpu: '1', memory: 1Gi}, limits: {cpu: '2', memory: 2Gi}}");
  for (const char* id : {"Deployment/runai/runai-agent", "Deployment/runai/cluster-sync",
                         "Deployment/runai/workload-controller"}) {
    INFO(id);
    CHECK(at(container(podOf(report(id)), 0), {"resources"}) == want);
  }
}

TEST_CASE("the runtime pool taints its nodes and places its members") {
  REQUIRE(pack().loaded.ok());
  const cli::ResourceReport& node = report("Node/runtime-node-1");
  CHECK(at(node.patched, {"spec", "taints"}) ==
        yaml("[{key: node.kubernetes.io/not-ready, effect: NoSchedule}, "
             "{key: billet.dev/pool, value: runtime, effect: NoSchedule}]"));
  CHECK(report("Node/worker-7").patch.size() == 0);

  const Value& pod = podOf(report("Deployment/hetida/hetida-runtime"));
  CHECK(at(pod, {"tolerations"}) ==
        yaml("[{key: billet.dev/pool, operator: Equal, value: runtime, effect: NoSchedule}]"));
  CHECK(at(pod, {"nodeSelector"}) == yaml("{billet.dev/pool: runtime}"));
  // Outsiders are refused, not changed.
  CHECK(report("Pod/analytics/sneaky-batch").patch.size() == 0);
  CHECK(report("Pod/analytics/tolerate-all").patch.size() == 0);
  CHECK(report("Deployment/web/docs-site").patch.size() == 0);
  CHECK(report("StatefulSet/data/postgres").patch.size() == 0);
}

TEST_CASE("GPU examples: limits from requests and NVIDIA placement") {
  REQUIRE(pack().loaded.ok());
  const Value& inference = podOf(report("Deployment/ml-prod/gpu-inference"));
  CHECK(at(container(inference, 0), {"resources", "limits"}) ==
        yaml("{nvidia.com/gpu: '1', cpu: '4', memory: 16Gi}"));
  CHECK(at(container(inference, 1), {"resources", "limits"}) == yaml("{cpu: 100m, memory: 128Mi}"));
  const Value& job = podOf(report("Job/ml-research/train-resnet"));
  CHECK(at(container(job, 0), {"resources", "limits"}) ==
        yaml("{nvidia.com/gpu: '2', cpu: '8', memory: 32Gi}"));
  CHECK(at(job, {"nodeSelector"}) == yaml("{nvidia.com/gpu.present: 'true'}"));
  const Value& cron = podOf(report("CronJob/ml-prod/nightly-retrain"));
  CHECK(at(cron, {"tolerations"}) ==
        yaml("[{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]"));
}

// ---- ServiceGroup ------------------------------------------------------------------------

TEST_CASE("tier choice: the first tier whose bounds both hold, else the last") {
  std::vector<policy::ServiceGroupTier> tiers(3);
  tiers[0].name = "small";
  tiers[0].maxNodes = 30;
  tiers[0].maxWorkloads = 480;
  tiers[1].name = "medium";
  tiers[1].maxNodes = 100;  // no workload bound: it holds
  tiers[2].name = "large";
  tiers[2].maxNodes = 500;
  tiers[2].maxWorkloads = 8500;

  auto c = policy::chooseTier(tiers, 30, 480);  // bounds are inclusive
  CHECK(c.index == 0);
  CHECK_FALSE(c.pastLast);
  CHECK(c.reason == "nodes 30 <= 30, workloads 480 <= 480");
  c = policy::chooseTier(tiers, 10, 481);
  CHECK(c.index == 1);
  CHECK(c.reason == "nodes 10 <= 100");
  c = policy::chooseTier(tiers, 101, 0);
  CHECK(c.index == 2);
  c = policy::chooseTier(tiers, 501, 100);
  CHECK(c.index == 2);
  CHECK(c.pastLast);
  CHECK(c.reason == "past the last tier: nodes 501 > 500, workloads 100 <= 8500");
  c = policy::chooseTier({}, 10, 10);
  CHECK(c.index == -1);

  std::vector<policy::ServiceGroupTier> open(1);
  open[0].name = "any";
  c = policy::chooseTier(open, 100000, 100000);
  CHECK(c.index == 0);
  CHECK(c.reason == "no bounds");
}

namespace {

const char* kSettings = R"(apiVersion: billet.dev/v1alpha1
kind: Settings
metadata: {name: billet}
spec:
  cluster: {nodes: 80, workloads: 1200}
---
)";

std::vector<std::string> errorsOf(const std::string& text) {
  policy::LoadResult r = policy::loadPoliciesFromText("p.yaml", text);
  std::vector<std::string> out;
  for (const policy::LoadError& e : r.errors) out.push_back(e.format());
  CHECK(r.set == nullptr);
  return out;
}

// Mutates `object` (a CREATE in its namespace) with `policies` and returns the result of `rule`.
policy::RuleResult mutateWith(const std::string& policies, const std::string& object,
                              Value* patched = nullptr, std::vector<std::string>* notes = nullptr) {
  policy::LoadResult loaded = policy::loadPoliciesFromText("p.yaml", policies);
  for (const policy::LoadError& e : loaded.errors) UNSCOPED_INFO(e.format());
  REQUIRE(loaded.ok());
  cli::Resource r;
  r.object = document(object);
  r.apiVersion = at(r.object, {"apiVersion"}).asString();
  r.kind = at(r.object, {"kind"}).asString();
  r.name = at(r.object, {"metadata", "name"}).asString();
  r.namespace_ = at(r.object, {"metadata", "namespace"}).asString();
  cli::ResourceReport rep = cli::evaluate(*loaded.set, r, {});
  // A result's names are its policy set's strings (policy::SetName): the set is kept until the
  // next call.
  static std::shared_ptr<const policy::PolicySet> kept;
  kept = loaded.set;
  if (patched) *patched = rep.patched;
  if (notes) *notes = rep.notes;
  for (const policy::RuleResult& res : rep.results) CHECK(res.outcome != policy::Outcome::Error);
  REQUIRE_FALSE(rep.results.empty());
  return rep.results.front();
}

const char* kScheduler = R"(apiVersion: v1
kind: Pod
metadata: {name: s, namespace: runai}
spec:
  containers: [{name: scheduler, image: "s:1"}]
)";

}  // namespace

TEST_CASE("explain names the tier and the source of every value") {
  std::string group = std::string(kSettings) + R"(apiVersion: billet.dev/v1alpha1
kind: ServiceGroup
metadata: {name: scheduling}
spec:
  members: {namespaces: [runai], containerNames: [scheduler]}
  resources:
    requests: {cpu: 100m, memory: 512Mi}
    limits: {cpu: 500m, memory: 1Gi}
  tiers:
    - {name: small, maxNodes: 30, maxWorkloads: 480, requests: {cpu: "1"}}
    - {name: medium, maxNodes: 100, maxWorkloads: 1600, requests: {cpu: "2"}}
)";
  Value patched;
  std::vector<std::string> notes;
  policy::RuleResult r = mutateWith(group, kScheduler, &patched, &notes);
  CHECK(r.policy == "scheduling");
  CHECK(r.rule == "resources");
  CHECK(r.outcome == policy::Outcome::Pass);
  CHECK(r.message ==
        "tier \"medium\" (nodes 80 <= 100, workloads 1200 <= 1600): cpu request 2 from tier, "
        "memory request 512Mi from resources, cpu limit 500m from resources (below the request: "
        "raised to 2), memory limit 1Gi from resources");
  CHECK(at(patched, {"spec", "containers"}).asArray()[0] ==
        yaml("{name: scheduler, image: 's:1', resources: {requests: {cpu: '2', memory: 512Mi}, "
             "limits: {cpu: '2', memory: 1Gi}}}"));
  CHECK(notes == std::vector<std::string>{"scheduling/resources: container \"scheduler\": "
                                          "limits.cpu 500m raised to its request 2"});

  policy::LoadResult loaded = policy::loadPoliciesFromText("p.yaml", group);
  CHECK(loaded.warnings ==
        std::vector<std::string>{
            "ServiceGroup \"scheduling\" tier \"medium\": limits.cpu 500m is below "
            "requests.cpu 2; containers get the request as their limit"});
}

TEST_CASE("a group without tiers, or without a cluster size") {
  std::string noTiers = std::string(kSettings) + R"(apiVersion: billet.dev/v1alpha1
kind: ServiceGroup
metadata: {name: scheduling}
spec:
  members: {containerNames: [scheduler]}
  resources: {requests: {cpu: 100m}}
)";
  CHECK(mutateWith(noTiers, kScheduler).message == "no tiers: cpu request 100m from resources");

  std::string noSize = R"(apiVersion: billet.dev/v1alpha1
kind: ServiceGroup
metadata: {name: scheduling}
spec:
  members: {containerNames: [scheduler]}
  tiers: [{name: small, maxNodes: 30, limits: {memory: 1Gi}}]
)";
  policy::LoadResult loaded = policy::loadPoliciesFromText("p.yaml", noSize);
  REQUIRE(loaded.ok());
  CHECK(loaded.warnings ==
        std::vector<std::string>{"ServiceGroup \"scheduling\": Settings.cluster gives no size (0 "
                                 "nodes, 0 workloads); tier \"small\" is used"});
  CHECK(mutateWith(noSize, kScheduler).message ==
        "tier \"small\" (nodes 0 <= 30): memory limit 1Gi from tier");
}

TEST_CASE("a Policy names a ServiceGroup that is not loaded: an error at the field") {
  auto errors = errorsOf(std::string(kSettings) + R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: sizing}
spec:
  rules:
    - name: scheduling
      mutate:
        serviceGroup: schedulng
---
apiVersion: billet.dev/v1alpha1
kind: ServiceGroup
metadata: {name: scheduling}
spec:
  members: {namespaces: [runai]}
  resources: {requests: {cpu: 100m}}
)");
  CHECK(errors == std::vector<std::string>{
                      "p.yaml:14:23: spec.rules[0].mutate.serviceGroup: unknown ServiceGroup "
                      "\"schedulng\" (known: scheduling)"});
}

TEST_CASE("ServiceGroup documents are decoded strictly") {
  auto errors = errorsOf(R"(apiVersion: billet.dev/v1alpha1
kind: ServiceGroup
metadata: {name: scheduling}
spec:
  members: {namespaces: [runai], containerName: [scheduler]}
  resources:
    requests: {cpu: lots}
    limit: {cpu: "1"}
  tiers:
    - {name: small, maxNodes: 100}
    - {maxNodes: 30, maxWorkloads: -1}
    - {name: small, maxNodes: 500}
  overwrite: maybe
  mode: Warning
  colour: blue
---
apiVersion: billet.dev/v1alpha1
kind: ServiceGroup
metadata: {name: everything}
spec:
  members: {kinds: [Deployment]}
)");
  CHECK(
      errors ==
      std::vector<std::string>{
          "p.yaml:5:34: spec.members.containerName: unknown field \"containerName\" (expected one "
          "of kinds, operations, namespaces, names, labels, annotations, images, containerNames, "
          "users, groups, gpu, localStorage, replicas, when)",
          "p.yaml:7:21: spec.resources.requests.cpu: unparseable quantity \"lots\"",
          "p.yaml:8:5: spec.resources.limit: unknown field \"limit\" (expected one of requests, "
          "limits)",
          "p.yaml:11:7: spec.tiers[1].name: missing required field",
          "p.yaml:11:18: spec.tiers[1].maxNodes: 30 is below maxNodes 100 of the earlier tier "
          "\"small\" (tiers are tried in order: list them from small to large)",
          "p.yaml:11:36: spec.tiers[1].maxWorkloads: value -1 out of range [0, "
          "9223372036854775807]",
          "p.yaml:12:14: spec.tiers[2].name: duplicate tier name \"small\"",
          "p.yaml:13:14: spec.overwrite: expected true or false, got \"maybe\"",
          "p.yaml:14:9: spec.mode: unknown value \"Warning\" (expected Enforce, Warn, Audit)",
          "p.yaml:15:3: spec.colour: unknown field \"colour\" (expected one of members, resources, "
          "tiers, overwrite, mode)",
          "p.yaml:21:3: spec.resources: a ServiceGroup needs resources, tiers or both",
          "p.yaml:21:12: spec.members: members needs a criterion besides kinds and operations "
          "(namespaces, labels, containerNames, ...): without one every workload is a member",
      });
}

// ---- NodePool ----------------------------------------------------------------------------

TEST_CASE("which tolerations tolerate a taint") {
  auto tol = [](const char* t) {
    return policy::tolerates(yaml(t), "billet.dev/pool", "runtime", "NoSchedule");
  };
  CHECK(tol("{key: billet.dev/pool, operator: Equal, value: runtime, effect: NoSchedule}"));
  CHECK(tol("{key: billet.dev/pool, value: runtime, effect: NoSchedule}"));  // Equal by default
  CHECK(tol("{key: billet.dev/pool, value: runtime}"));                      // every effect
  CHECK(tol("{key: billet.dev/pool, operator: Exists}"));
  CHECK(tol("{key: billet.dev/pool, operator: Exists, effect: NoSchedule}"));
  CHECK(tol("{operator: Exists}"));
  CHECK(tol("{operator: Exists, effect: NoSchedule}"));
  CHECK_FALSE(tol("{operator: Exists, effect: NoExecute}"));
  CHECK_FALSE(tol("{key: billet.dev/pool, operator: Exists, effect: PreferNoSchedule}"));
  CHECK_FALSE(tol("{key: billet.dev/pool, operator: Equal, value: batch}"));
  CHECK_FALSE(tol("{key: billet.dev/pool}"));  // Equal with the empty value
  CHECK_FALSE(tol("{key: other, operator: Exists}"));
  CHECK_FALSE(tol("{key: billet.dev/pool, operator: Sometimes}"));
  CHECK_FALSE(tol("[]"));
}

TEST_CASE("NodePool documents are decoded strictly") {
  auto errors = errorsOf(R"(apiVersion: billet.dev/v1alpha1
kind: NodePool
metadata: {name: runtime}
spec:
  nodeLabels: {"billet.dev/pool": "run time"}
  taint: {key: billet.dev/pool, value: runtime, effect: NoSchedul}
  members: {namespaces: [hetida]}
  placement: requried
  outsiders: Block
---
apiVersion: billet.dev/v1alpha1
kind: NodePool
metadata: {name: empty}
spec:
  nodeLabels: {}
  taint: {value: x}
  members: {}
  overwrite: yes please
  budget: 3
)");
  CHECK(
      errors ==
      std::vector<std::string>{
          "p.yaml:5:35: spec.nodeLabels[\"billet.dev/pool\"]: \"run time\" is not a valid label "
          "value",
          "p.yaml:6:57: spec.taint.effect: unknown value \"NoSchedul\" (expected NoSchedule, "
          "PreferNoSchedule, NoExecute)",
          "p.yaml:8:14: spec.placement: unknown value \"requried\" (expected required, preferred)",
          "p.yaml:9:14: spec.outsiders: unknown value \"Block\" (expected Deny, Warn, Audit, "
          "Ignore)",
          "p.yaml:15:15: spec.nodeLabels: a node pool needs at least one node label",
          "p.yaml:16:10: spec.taint.key: missing required field",
          "p.yaml:16:10: spec.taint.effect: missing required field",
          "p.yaml:17:12: spec.members: members needs a criterion besides kinds and operations "
          "(namespaces, labels, containerNames, ...): without one every workload is a member",
          "p.yaml:18:14: spec.overwrite: expected true or false, got \"yes please\"",
          "p.yaml:19:3: spec.budget: unknown field \"budget\" (expected one of nodeLabels, taint, "
          "members, placement, outsiders, overwrite)",
      });
  // Node labels given as a list (found by policy_load_fuzz: the label check iterated it as a
  // mapping, and yaml-cpp threw out of the loader).
  CHECK(errorsOf(R"(apiVersion: billet.dev/v1alpha1
kind: NodePool
metadata: {name: runtime}
spec:
  nodeLabels:
    - name: qos
  taint: {key: billet.dev/pool, effect: NoSchedule}
  members: {namespaces: [hetida]}
)") == std::vector<std::string>{"p.yaml:6:5: spec.nodeLabels: expected a mapping, got a sequence"});
  auto missing = errorsOf(R"(apiVersion: billet.dev/v1alpha1
kind: NodePool
metadata: {name: runtime}
spec:
  placement: preferred
)");
  CHECK(missing == std::vector<std::string>{
                       "p.yaml:5:3: spec.nodeLabels: missing required field",
                       "p.yaml:5:3: spec.taint: missing required field",
                       "p.yaml:5:3: spec.members: missing required field",
                   });
}

// A pool for the hetida namespace, as the bundled one but for its pod-label criterion.
const char* const kHetidaPool = R"(apiVersion: billet.dev/v1alpha1
kind: NodePool
metadata: {name: runtime}
spec:
  nodeLabels: {billet.dev/pool: runtime}
  taint: {key: billet.dev/pool, value: runtime, effect: NoSchedule}
  members: {namespaces: [hetida]}
)";

TEST_CASE("a node whose taint has another value is left alone, with a note") {
  policy::LoadResult loaded = policy::loadPoliciesFromText("p.yaml", kHetidaPool);
  REQUIRE(loaded.ok());
  cli::Resource r;
  r.object =
      yaml(R"({apiVersion: v1, kind: Node, metadata: {name: n, labels: {billet.dev/pool: runtime}},
                     spec: {taints: [{key: billet.dev/pool, value: batch, effect: NoSchedule}]}})");
  r.apiVersion = "v1";
  r.kind = "Node";
  r.name = "n";
  cli::ResourceReport rep = cli::evaluate(*loaded.set, r, {});
  CHECK(rep.patch.size() == 0);
  CHECK(resultOf(rep, "runtime/taint-nodes").message ==
        "the node has taint billet.dev/pool=batch:NoSchedule (another value): left alone");
  CHECK(rep.notes ==
        std::vector<std::string>{
            "runtime/taint-nodes: node has taint billet.dev/pool=batch:NoSchedule, not "
            "billet.dev/pool=runtime:NoSchedule of node pool \"runtime\": left alone "
            "(overwrite: true on the NodePool replaces it)"});
}

TEST_CASE("a member whose nodeSelector names another pool keeps it, and a note says so") {
  Value patched;
  std::vector<std::string> notes;
  mutateWith(kHetidaPool,
             R"({apiVersion: v1, kind: Pod, metadata: {name: p, namespace: hetida},
                 spec: {nodeSelector: {billet.dev/pool: batch}, containers: [{name: c, image: i}]}})",
             &patched, &notes);
  CHECK(at(patched, {"spec", "nodeSelector", "billet.dev/pool"}).asString() == "batch");
  CHECK(notes == std::vector<std::string>{
                     "runtime/place-members: nodeSelector billet.dev/pool is batch, not runtime: "
                     "left alone (overwrite: true replaces it)"});
}

TEST_CASE("a NodePool with required placement takes part in conflict detection") {
  policy::LoadResult loaded =
      policy::loadPoliciesFromText("p.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: NodePool
metadata: {name: runtime}
spec:
  nodeLabels: {billet.dev/pool: runtime}
  taint: {key: billet.dev/pool, value: runtime, effect: NoSchedule}
  members: {namespaces: [hetida]}
---
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: batch}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: pool
      mutate: {nodeSelector: {billet.dev/pool: batch}}
)");
  REQUIRE(loaded.ok());
  CHECK(loaded.warnings ==
        std::vector<std::string>{"conflict: runtime/place-members and batch/pool both set "
                                 "nodeSelector[\"billet.dev/pool\"] (\"runtime\" vs \"batch\")"});
}
