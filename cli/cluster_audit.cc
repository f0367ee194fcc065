#include "cli/cluster_audit.h"

#include "base/logging.h"
#include "kube/cluster_watch.h"
#include "kube/discovery.h"
#include "kube/list.h"

namespace billet::cli {

namespace {

std::string str(const json::Value* v) {
  return v && v->isString() ? std::string(v->asString()) : "";
}

// "/api/v1" for the core group, "/apis/GROUP/VERSION" for the others.
std::string groupVersionPath(const std::string& apiVersion) {
  return (apiVersion.find('/') == std::string::npos ? "/api/" : "/apis/") + apiVersion;
}

}  // namespace

std::string ClusterKind::collection() const {
  return groupVersionPath(apiVersion) + "/" + plural;
}

std::string ClusterKind::objectPath(const std::string& namespace_, const std::string& name) const {
  return groupVersionPath(apiVersion) + (namespaced ? "/namespaces/" + namespace_ : "") + "/" +
         plural + "/" + name;
}

const std::vector<ClusterKind>& clusterKinds() {
  static const std::vector<ClusterKind> kKinds = {
      {"v1", "Pod", "pods", true},
      {"apps/v1", "Deployment", "deployments", true},
      {"apps/v1", "StatefulSet", "statefulsets", true},
      {"apps/v1", "DaemonSet", "daemonsets", true},
      {"apps/v1", "ReplicaSet", "replicasets", true},
      {"batch/v1", "Job", "jobs", true},
      {"batch/v1", "CronJob", "cronjobs", true},
      {"v1", "ReplicationController", "replicationcontrollers", true},
      {"policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true},
      {"autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true},
      {"v1", "Service", "services", true},
      {"v1", "Node", "nodes", false},
      {"monitoring.coreos.com/v1", "Prometheus", "prometheuses", true},
      {"monitoring.coreos.com/v1alpha1", "PrometheusAgent", "prometheusagents", true},
  };
  return kKinds;
}

std::vector<ClusterKind> kindsToAudit(const policy::PolicySet& set) {
  std::vector<ClusterKind> out;
  for (const ClusterKind& k : clusterKinds())
    if (!set.forKind(k.kind).empty()) out.push_back(k);
  return out;
}

std::vector<const policy::PodTemplateKind*> templateKindsToAudit(const policy::PolicySet& set) {
  std::vector<const policy::PodTemplateKind*> out;
  for (const policy::PodTemplateKind& t : set.settings.podTemplates)
    if (!set.forKind(t.kind).empty()) out.push_back(&t);
  return out;
}

ClusterAuditResult auditCluster(kube::KubeClient& client, const policy::PolicySet& set,
                                const Identity& identity, const ReportFn& onReport, bool failFast,
                                const std::atomic<bool>* stop) {
  ClusterAuditResult result;
  auto stopping = [&] { return stop && stop->load(std::memory_order_relaxed); };
  // Lists one kind and evaluates its objects; false when the audit should end (failFast).
  auto audit = [&](const ClusterKind& k) {
    const std::string collection = k.collection();
    // Past an expired continue token the list goes on without handing an object over twice
    // (kube/list.h): what was evaluated and reported stays so.
    kube::ListResult listed =
        kube::listAll(client, collection, kube::ListOptions{}, [&](const json::Value& item) {
          if (stopping() || !item.isObject()) return;
          Resource r;
          r.apiVersion = k.apiVersion;  // LIST items carry neither apiVersion nor kind
          r.kind = k.kind;
          const json::Value* meta = item.find("metadata");
          r.name = str(meta ? meta->find("name") : nullptr);
          if (k.namespaced) r.namespace_ = str(meta ? meta->find("namespace") : nullptr);
          r.file = k.objectPath(r.namespace_, r.name);
          // The object as `kubectl get -o yaml` shows it: apiVersion and kind first.
          r.object = json::Value::object();
          r.object.set("apiVersion", json::Value::string(r.apiVersion));
          r.object.set("kind", json::Value::string(r.kind));
          for (const json::Member& m : item.asObject())
            if (m.key != "apiVersion" && m.key != "kind") r.object.set(m.key, m.value);
          ResourceReport rep = evaluate(set, r, identity);
          asAudit(rep);
          ++result.objects;
          onReport(r, rep);
        });
    if (listed.ok()) {
      ++result.kinds;
      return true;
    }
    if (listed.status == 404) {  // not served here: a CRD that is not installed
      result.absent.push_back(k.kind);
      return true;
    }
    result.failures.push_back(
        {k.kind, listed.status, "listing " + collection + ": " + listed.error});
    return !failFast;
  };
  bool going = true;
  for (const ClusterKind& k : kindsToAudit(set)) {
    if (stopping() || !(going = audit(k))) break;
  }
  kube::Discovery discovery(client);
  for (const policy::PodTemplateKind* t : templateKindsToAudit(set)) {
    if (!going || stopping()) break;
    const kube::DiscoveredKind found = discovery.find(t->group, t->kind);
    if (found.failed()) {
      result.failures.push_back({t->kind, found.status, found.error});
      going = !failFast;
      continue;
    }
    if (!found.served()) {
      if (!t->builtin) result.absent.push_back(t->kind);
      continue;
    }
    going = audit(ClusterKind{found.apiVersion, t->kind, found.plural, found.namespaced});
  }
  result.stopped = stopping();
  return result;
}

base::Result<LiveCluster> readLiveCluster(kube::KubeClient& client, const policy::PolicySet& set,
                                          int& status) {
  const policy::ClusterSettings cs = policy::clusterSettings(set);
  // The watch's own client and logger are not used: the snapshot lists through `client`.
  static base::Logger quiet(base::LogLevel::kError, stderr);
  kube::ClusterWatch watch(kube::KubeConfig{}, quiet, kube::ClusterWatch::Options{});
  std::set<std::string, std::less<>> keys;
  for (const auto& labels : cs.poolNodeLabels)
    for (const auto& kv : labels) keys.insert(kv.first);
  watch.setNodeLabelKeys(std::move(keys));
  const base::Result<bool> read = watch.snapshot(client, cs.autoSize, status);
  if (!read.ok()) return base::Result<LiveCluster>::failure(read.error);
  LiveCluster out;
  if (cs.autoSize)
    out.size = policy::ClusterSize{watch.readyNodes(), watch.workloads([&](std::string_view ns) {
                                     return policy::excludedNamespace(set, ns);
                                   })};
  out.facts = std::make_shared<kube::FixedClusterFacts>(watch.facts());
  return {std::move(out), ""};
}

server::AuditPassResult backgroundAuditPass(kube::KubeClient& client, const policy::PolicySet& set,
                                            report::ReportStore& into,
                                            const std::atomic<bool>& stop) {
  const Identity identity;
  const ClusterAuditResult r = auditCluster(
      client, set, identity,
      [&](Resource& res, ResourceReport& rep) {
        admission::AdmissionReply reply;
        reply.uid = "background-audit";
        reply.kind = res.kind;
        reply.apiVersion = res.apiVersion;
        reply.objectUid = str(json::dig(res.object, {"metadata", "uid"}));
        reply.namespace_ = res.namespace_;
        reply.name = res.name;
        reply.results = std::move(rep.results);
        into.record(reply);
      },
      /*failFast=*/false, &stop);
  server::AuditPassResult out;
  out.objects = r.objects;
  out.kinds = r.kinds;
  out.stopped = r.stopped;
  for (const KindFailure& f : r.failures) out.error += (out.error.empty() ? "" : "; ") + f.error;
  return out;
}

}  // namespace billet::cli
