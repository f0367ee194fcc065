// Auditing the objects of a live cluster (SPEC §5.1): `billet audit --kubeconfig` and the
// server's background audit both come here.
//
// For each kind billet knows how to list (the workloads, and the few other kinds policies
// match: PodDisruptionBudget, HorizontalPodAutoscaler, Service, Node, Prometheus, ...) that the
// policy set has a policy for, the objects are listed in pages (kube/list.h) and each is evaluated
// on its own, the moment it arrives, through the function `audit -f` uses (offline.h evaluate,
// then asAudit), and handed to `onReport`. Nothing is kept here: memory holds one page's item at
// a time plus what the callback keeps.
//
// Then the kinds of Settings.podTemplates (RayCluster, Workflow, ...: the workloads the webhook
// evaluates for the ML operators) that have a policy, each where the API server's discovery says
// it is served (kube/discovery.h): their versions and resource names are the CRDs', not
// billet's. A built-in entry whose CRD is not installed is passed over in silence (an operator
// the cluster does not run); an entry of the user's own Settings is reported as absent.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/offline.h"
#include "kube/client.h"
#include "policy/cluster.h"
#include "policy/pod_templates.h"
#include "report/store.h"
#include "server/background_audit.h"

namespace billet::cli {

struct ClusterKind {
  std::string apiVersion;
  std::string kind;
  std::string plural;
  bool namespaced = true;
  std::string collection() const;  // "/api/v1/pods", "/apis/apps/v1/deployments"
  // "/api/v1/namespaces/NS/pods/NAME"; the names are the API server's, valid as they are.
  std::string objectPath(const std::string& namespace_, const std::string& name) const;
};

// Every built-in kind the cluster audit can list, workloads first.
const std::vector<ClusterKind>& clusterKinds();
// Those the policy set has a policy for.
std::vector<ClusterKind> kindsToAudit(const policy::PolicySet& set);
// The Settings.podTemplates kinds the policy set has a policy for, listed after them.
std::vector<const policy::PodTemplateKind*> templateKindsToAudit(const policy::PolicySet& set);

struct KindFailure {
  std::string kind;
  int status = 0;  // HTTP status; 0: the server could not be reached
  std::string error;
};

struct ClusterAuditResult {
  std::size_t objects = 0;
  std::size_t kinds = 0;              // kinds listed
  std::vector<std::string> absent;    // kinds the cluster does not serve (404: no CRD)
  std::vector<KindFailure> failures;  // kinds that could not be listed
  bool stopped = false;               // `stop` ended it early
};

// `onReport` receives each object and its audit report (both may be moved from).
using ReportFn = std::function<void(Resource& resource, ResourceReport& report)>;

// Lists and evaluates. Each Resource's `file` is the object's API path
// ("/api/v1/namespaces/team-a/pods/web-0"), its line 0. With `failFast`, the first kind that cannot
// be listed (other than a 404) ends the audit (the CLI); otherwise it is recorded and the next kind
// is listed (the server).
ClusterAuditResult auditCluster(kube::KubeClient& client, const policy::PolicySet& set,
                                const Identity& identity, const ReportFn& onReport, bool failFast,
                                const std::atomic<bool>* stop = nullptr);

// What `billet serve` knows of the cluster from its watches, read once (kube::ClusterWatch
// snapshot): the cluster's size when Settings.cluster is `auto`, the HPAs' minReplicas and the
// labels of the nodes NodePools select on. `billet audit --kubeconfig` loads the policies again
// with them, so that it evaluates as the server in that cluster does (without the settle window:
// the size is the one of that moment). `status` is the HTTP status of a list that failed.
struct LiveCluster {
  std::optional<policy::ClusterSize> size;  // set when Settings.cluster is auto
  std::shared_ptr<const policy::ClusterFacts> facts;
};
base::Result<LiveCluster> readLiveCluster(kube::KubeClient& client, const policy::PolicySet& set,
                                          int& status);

// The server's background audit pass (server/background_audit.h): auditCluster as the anonymous
// CREATE `billet audit` evaluates, every listable kind tried, each object's results recorded in
// `into` by its uid.
server::AuditPassResult backgroundAuditPass(kube::KubeClient& client, const policy::PolicySet& set,
                                            report::ReportStore& into,
                                            const std::atomic<bool>& stop);

}  // namespace billet::cli
