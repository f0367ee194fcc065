// The deploy manifests agree with the policy pack and with the server: no cluster runs here, so
// these checks are what keeps manifests/ from drifting (a kind the pack handles that the webhook
// configurations never send, a policy file left out of the ConfigMap, billet's own namespace
// intercepted by its own webhook).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/cluster_audit.h"
#include "cli/offline.h"
#include "policy/compiled.h"
#include "policy/source.h"

namespace fs = std::filesystem;
using billet::json::Value;
namespace policy = billet::policy;

namespace {

const fs::path kRoot = fs::path(BILLET_SOURCE_DIR) / "manifests";

std::vector<Value> documents(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::vector<policy::Document> docs;
  std::vector<policy::LoadError> errors;
  policy::parseDocuments({file.string(), ss.str()}, docs, errors);
  for (const auto& e : errors) UNSCOPED_INFO(e.format());
  REQUIRE(errors.empty());
  std::vector<Value> out;
  for (const auto& d : docs) out.push_back(policy::toValue(d.node));
  return out;
}

const Value& byKind(const std::vector<Value>& docs, const std::string& kind) {
  for (const Value& d : docs)
    if (d.find("kind")->asString() == kind) return d;
  FAIL("no " << kind);
  return docs[0];
}

std::string kindOf(const std::string& resource) {
  static const std::map<std::string, std::string> kKinds = {
      {"pods", "Pod"},
      {"replicationcontrollers", "ReplicationController"},
      {"deployments", "Deployment"},
      {"replicasets", "ReplicaSet"},
      {"statefulsets", "StatefulSet"},
      {"daemonsets", "DaemonSet"},
      {"jobs", "Job"},
      {"cronjobs", "CronJob"},
      {"nodes", "Node"},
      {"prometheuses", "Prometheus"},
      {"prometheusagents", "PrometheusAgent"},
      // Settings.podTemplates' built-in kinds.
      {"workflows", "Workflow"},
      {"workflowtemplates", "WorkflowTemplate"},
      {"clusterworkflowtemplates", "ClusterWorkflowTemplate"},
      {"cronworkflows", "CronWorkflow"},
      {"rayclusters", "RayCluster"},
      {"rayjobs", "RayJob"},
      {"rayservices", "RayService"},
      {"jobsets", "JobSet"},
      {"leaderworkersets", "LeaderWorkerSet"},
      {"pytorchjobs", "PyTorchJob"},
      {"mpijobs", "MPIJob"},
      {"trainjobs", "TrainJob"},
      {"trainingruntimes", "TrainingRuntime"},
      {"clustertrainingruntimes", "ClusterTrainingRuntime"},
      {"inferenceservices", "InferenceService"}};
  auto it = kKinds.find(resource);
  return it == kKinds.end() ? "?" + resource : it->second;
}

}  // namespace

TEST_CASE("both webhook configurations send every kind the bundled pack handles") {
  auto loaded = policy::loadPolicies(billet::base::readTextFiles({(kRoot / "policies").string()}));
  REQUIRE(loaded.ok());
  std::set<std::string> needed;
  for (const policy::CompiledPolicy& p : loaded.set->policies) {
    for (const std::string& k : p.match.kinds) needed.insert(k);
    // `Workloads` stands for the kinds of Settings.podTemplates too.
    if (p.match.workloads)
      for (const policy::PodTemplateKind& t : loaded.set->settings.podTemplates)
        needed.insert(t.kind);
  }
  REQUIRE(needed.count("Node"));
  REQUIRE(needed.count("RayCluster"));
  REQUIRE(needed.count("CronJob"));
  auto docs = documents(kRoot / "deploy" / "webhooks.yaml");
  for (const char* kind : {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}) {
    const Value& config = byKind(docs, kind);
    const Value& hook = config.find("webhooks")->asArray().at(0);
    std::set<std::string> sent, subresources;
    for (const Value& rule : hook.find("rules")->asArray()) {
      std::set<std::string> ops;
      for (const Value& op : rule.find("operations")->asArray()) ops.emplace(op.asString());
      for (const Value& r : rule.find("resources")->asArray()) {
        const std::string resource(r.asString());
        if (resource.find('/') != std::string::npos) {
          // Subresources are sent on purpose only, for validation, on UPDATE (the only operation
          // the API server has for them): ephemeral containers (kubectl debug) and the scale of
          // Deployments and StatefulSets (kubectl scale, autoscalers).
          subresources.insert(resource);
          CHECK(ops == std::set<std::string>{"UPDATE"});
          continue;
        }
        CHECK(ops == std::set<std::string>{"CREATE", "UPDATE"});
        sent.insert(kindOf(resource));
      }
    }
    CHECK(subresources == (std::string(kind) == "ValidatingWebhookConfiguration"
                               ? std::set<std::string>{"pods/ephemeralcontainers",
                                                       "deployments/scale", "statefulsets/scale"}
                               : std::set<std::string>{}));
    INFO(kind);
    CHECK(sent == needed);
    // Safe defaults: never block the cluster while billet is down, answer in time, v1 reviews.
    CHECK(hook.find("failurePolicy")->asString() == "Ignore");
    CHECK(std::stoi(hook.find("timeoutSeconds")->scalarText()) <= 10);
    auto versions = hook.find("admissionReviewVersions")->asArray();
    CHECK(versions.at(0).asString() == "v1");
    // billet's own namespace is never sent to billet, nor kube-system.
    const Value* expr = billet::json::dig(hook, {"namespaceSelector", "matchExpressions"});
    REQUIRE(expr);
    const Value& e = expr->asArray().at(0);
    CHECK(e.find("key")->asString() == "kubernetes.io/metadata.name");
    CHECK(e.find("operator")->asString() == "NotIn");
    std::set<std::string> excluded;
    for (const Value& v : e.find("values")->asArray()) excluded.emplace(v.asString());
    for (const std::string& ns : loaded.set->settings.excludeNamespaces) CHECK(excluded.count(ns));
    CHECK(excluded.count("billet-system"));
    const Value* path = billet::json::dig(hook, {"clientConfig", "service", "path"});
    CHECK(path->asString() ==
          (std::string(kind) == "MutatingWebhookConfiguration" ? "/mutate" : "/validate"));
  }
  // Both have side effects skipped on dry runs: the PodDisruptionBudgets generated at /mutate,
  // and at /validate for a scale.
  for (const char* kind : {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"})
    CHECK(byKind(docs, kind).find("webhooks")->asArray()[0].find("sideEffects")->asString() ==
          "NoneOnDryRun");
}

TEST_CASE("the policy ConfigMap holds every file of the pack") {
  auto kustomization = documents(kRoot / "kustomization.yaml").at(0);
  std::set<std::string> listed;
  for (const Value& gen : kustomization.find("configMapGenerator")->asArray())
    for (const Value& f : gen.find("files")->asArray()) listed.emplace(f.asString());
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(kRoot / "policies"))
    files.insert("policies/" + e.path().filename().string());
  CHECK(listed == files);
}

TEST_CASE("billet's own Deployment passes the bundled pack and drains within its grace period") {
  auto docs = documents(kRoot / "deploy" / "deployment.yaml");
  const Value& deploy = byKind(docs, "Deployment");
  const Value* spec = billet::json::dig(deploy, {"spec", "template", "spec"});
  int grace = std::stoi(spec->find("terminationGracePeriodSeconds")->scalarText());
  bool drainBelowGrace = false;
  for (const Value& a : spec->find("containers")->asArray()[0].find("args")->asArray())
    if (a.asString().rfind("--drain-timeout=", 0) == 0)
      drainBelowGrace =
          std::stoi(std::string(a.asString().substr(16))) + 5 <= grace;  // + the preStop sleep
  CHECK(drainBelowGrace);

  // Its namespace is excluded from evaluation, so evaluate it as if it lived elsewhere.
  auto loaded = policy::loadPolicies(billet::base::readTextFiles({(kRoot / "policies").string()}));
  REQUIRE(loaded.ok());
  billet::cli::Resource r;
  r.file = "deployment.yaml";
  r.object = deploy;
  r.apiVersion = "apps/v1";
  r.kind = "Deployment";
  r.namespace_ = "apps";
  r.name = "billet";
  billet::cli::ResourceReport rep = billet::cli::evaluate(*loaded.set, r, billet::cli::Identity{});
  for (const policy::RuleResult& res : rep.results) {
    INFO(res.policy << "/" << res.rule << ": " << res.message);
    CHECK(res.outcome != policy::Outcome::Fail);
    CHECK(res.outcome != policy::Outcome::Warn);
    CHECK(res.outcome != policy::Outcome::Error);
  }
}

TEST_CASE("billet's service account may make the API calls --kube-api auto makes") {
  auto docs = documents(kRoot / "deploy" / "rbac.yaml");
  const Value& role = byKind(docs, "ClusterRole");
  const Value& binding = byKind(docs, "ClusterRoleBinding");
  auto deployDocs = documents(kRoot / "deploy" / "deployment.yaml");
  const Value& deploy = byKind(deployDocs, "Deployment");
  const Value* podSpec = billet::json::dig(deploy, {"spec", "template", "spec"});

  // The binding gives the role to the account the Deployment runs as.
  CHECK(billet::json::dig(binding, {"roleRef", "name"})->asString() ==
        billet::json::dig(role, {"metadata", "name"})->asString());
  const Value& subject = binding.find("subjects")->asArray().at(0);
  CHECK(subject.find("name")->asString() == podSpec->find("serviceAccountName")->asString());
  CHECK(subject.find("namespace")->asString() ==
        billet::json::dig(deploy, {"metadata", "namespace"})->asString());

  // The calls of webhook/generate_applier.cc: GET the owner, PATCH (apply) the PDB.
  auto allows = [&](const std::string& group, const std::string& resource,
                    const std::string& verb) {
    for (const Value& rule : role.find("rules")->asArray()) {
      auto has = [&](const char* key, const std::string& want) {
        for (const Value& v : rule.find(key)->asArray())
          if (v.asString() == want) return true;
        return false;
      };
      if (has("apiGroups", group) && has("resources", resource) && has("verbs", verb)) return true;
    }
    return false;
  };
  CHECK(allows("apps", "deployments", "get"));
  CHECK(allows("apps", "statefulsets", "get"));
  CHECK(allows("policy", "poddisruptionbudgets", "patch"));
  CHECK(allows("policy", "poddisruptionbudgets", "create"));  // apply of a new object
  // And of webhook/report_writer.cc: apply PolicyReports and the ClusterPolicyReport.
  CHECK(allows("wgpolicyk8s.io", "policyreports", "patch"));
  CHECK(allows("wgpolicyk8s.io", "clusterpolicyreports", "patch"));
  // And deletes the stale ones it finds in a listing (kube/report_writer.cc prune).
  for (const char* verb : {"list", "delete"}) {
    CHECK(allows("wgpolicyk8s.io", "policyreports", verb));
    CHECK(allows("wgpolicyk8s.io", "clusterpolicyreports", verb));
  }
  CHECK_FALSE(allows("", "secrets", "get"));
  // The background audit lists the workloads (cli/cluster_audit.cc).
  for (const char* r : {"deployments", "statefulsets", "daemonsets", "replicasets"})
    CHECK(allows("apps", r, "list"));
  CHECK(allows("", "pods", "list"));
  CHECK(allows("batch", "jobs", "list"));
  CHECK(allows("batch", "cronjobs", "list"));
  // Every kind the webhooks evaluate, the ML operators' included (listed where discovery finds
  // their CRDs), and nothing more for the other groups of the webhooks' rules.
  auto webhookDocs = documents(kRoot / "deploy" / "webhooks.yaml");
  const Value& mutating = byKind(webhookDocs, "MutatingWebhookConfiguration");
  std::set<std::string> groups;
  for (const Value& rule : mutating.find("webhooks")->asArray().at(0).find("rules")->asArray())
    for (const Value& group : rule.find("apiGroups")->asArray())
      for (const Value& resource : rule.find("resources")->asArray()) {
        const std::string g(group.asString()), res(resource.asString());
        INFO(g << " " << res);
        CHECK(allows(g, res, "list"));
        CHECK_FALSE(allows(g, res, "get") !=
                    (g == "apps" && (res == "deployments" || res == "statefulsets")));
        groups.insert(g);
      }
  // And every built-in kind the audit lists when a policy is for it (cli/cluster_audit.cc).
  for (const billet::cli::ClusterKind& k : billet::cli::clusterKinds()) {
    const std::string group = k.apiVersion.find('/') == std::string::npos
                                  ? ""
                                  : k.apiVersion.substr(0, k.apiVersion.find('/'));
    INFO(k.kind);
    CHECK(allows(group, k.plural, "list"));
  }
  CHECK(groups.count("ray.io"));
  CHECK(groups.count("argoproj.io"));
  CHECK_FALSE(allows("jobset.x-k8s.io", "leaderworkersets", "list"));
  // One writer among replicas (kube/lease.cc): the Lease in billet's namespace, named by POD_NAME.
  const Value& leaseRole = byKind(docs, "Role");
  const Value& leaseBinding = byKind(docs, "RoleBinding");
  CHECK(billet::json::dig(leaseRole, {"metadata", "namespace"})->asString() ==
        billet::json::dig(deploy, {"metadata", "namespace"})->asString());
  CHECK(billet::json::dig(leaseBinding, {"roleRef", "name"})->asString() ==
        billet::json::dig(leaseRole, {"metadata", "name"})->asString());
  const Value& leaseRule = leaseRole.find("rules")->asArray().at(0);
  CHECK(leaseRule.find("resources")->asArray().at(0).asString() == "leases");
  CHECK(leaseRule.find("verbs")->asArray().size() == 3);
  bool podName = false;
  for (const Value& e : podSpec->find("containers")->asArray()[0].find("env")->asArray())
    podName = podName || e.find("name")->asString() == "POD_NAME";
  CHECK(podName);

  // And the Deployment turns the writes on; the kustomization deploys the RBAC.
  bool kubeApiAuto = false;
  for (const Value& a : podSpec->find("containers")->asArray()[0].find("args")->asArray())
    kubeApiAuto = kubeApiAuto || a.asString() == "--kube-api=auto";
  CHECK(kubeApiAuto);
  std::ifstream kustomization(kRoot / "kustomization.yaml");
  std::ostringstream text;
  text << kustomization.rdbuf();
  CHECK(text.str().find("  - deploy/rbac.yaml\n") != std::string::npos);
}
