#include "cli/cluster_audit.h"

#include "kube/list.h"

namespace billet::cli {

namespace {

std::string str(const json::Value* v) {
  return v && v->isString() ? v->asString() : "";
}

}  // namespace

std::string ClusterKind::collection() const {
  const std::string version = apiVersion;
  return (version.find('/') == std::string::npos ? "/api/" : "/apis/") + version + "/" + plural;
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

ClusterAuditResult auditCluster(kube::KubeClient& client, const policy::PolicySet& set,
                                const Identity& identity, const ReportFn& onReport, bool failFast,
                                const std::atomic<bool>* stop) {
  ClusterAuditResult result;
  auto stopping = [&] { return stop && stop->load(std::memory_order_relaxed); };
  for (const ClusterKind& k : kindsToAudit(set)) {
    if (stopping()) break;
    const std::string collection = k.collection();
    // A relist after an expired continue token delivers the objects again; they are evaluated
    // again (the callback sees an object twice; counted by uid where it matters).
    kube::ListResult listed =
        kube::listAll(client, collection, kube::ListOptions{}, [&](const json::Value& item) {
          if (stopping() || !item.isObject()) return;
          Resource r;
          r.apiVersion = k.apiVersion;  // LIST items carry neither apiVersion nor kind
          r.kind = k.kind;
          const json::Value* meta = item.find("metadata");
          r.name = str(meta ? meta->find("name") : nullptr);
          if (k.namespaced) r.namespace_ = str(meta ? meta->find("namespace") : nullptr);
          r.file = kube::resourcePath(r.apiVersion, r.kind, r.namespace_, r.name);
          if (r.file.empty()) r.file = collection + "/" + r.name;
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
      continue;
    }
    if (listed.status == 404) {  // not served here: a CRD that is not installed
      result.absent.push_back(k.kind);
      continue;
    }
    result.failures.push_back(
        {k.kind, listed.status, "listing " + collection + ": " + listed.error});
    if (failFast) break;
  }
  result.stopped = stopping();
  return result;
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
