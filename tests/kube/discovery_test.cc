// Finding a custom resource's version and resource name in the API server's discovery
// (kube/discovery.h), against the local HTTPS stand-in: the steps and the faults. The real
// documents of a real API server are read in tests/cluster's audit-kubeconfig scenario.
#include "kube/discovery.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>

#include "json/parse.h"
#include "tests/kube/api_fixture.h"

using namespace billet::kube;
using billet::test::ApiAnswer;
using billet::test::ApiRequest;
using billet::test::configFor;
using billet::test::FakeApiServer;
using namespace std::chrono_literals;

namespace {

// ray.io serves v1 (preferred) and v1alpha1; RayJob only in v1alpha1 here.
const std::map<std::string, ApiAnswer> kDocuments = {
    {"/apis/ray.io", {200, R"({"kind":"APIGroup","name":"ray.io",
               "versions":[{"groupVersion":"ray.io/v1alpha1","version":"v1alpha1"},
                           {"groupVersion":"ray.io/v1","version":"v1"}],
               "preferredVersion":{"groupVersion":"ray.io/v1","version":"v1"}})"}},
    {"/apis/ray.io/v1", {200, R"({"kind":"APIResourceList","groupVersion":"ray.io/v1","resources":[
               {"name":"rayclusters/status","namespaced":true,"kind":"RayCluster"},
               {"name":"rayclusters","singularName":"raycluster","namespaced":true,"kind":"RayCluster"}]})"}},
    {"/apis/ray.io/v1alpha1",
     {200, R"({"kind":"APIResourceList","groupVersion":"ray.io/v1alpha1","resources":[
               {"name":"rayjobs","namespaced":true,"kind":"RayJob"}]})"}},
    {"/apis/argoproj.io", {200, R"({"versions":[{"groupVersion":"argoproj.io/v1alpha1"}],
               "preferredVersion":{"groupVersion":"argoproj.io/v1alpha1"}})"}},
    {"/apis/argoproj.io/v1alpha1",
     {200, R"({"resources":[{"name":"clusterworkflowtemplates","namespaced":false,
                             "kind":"ClusterWorkflowTemplate"}]})"}},
    {"/apis/kubeflow.org", {403, R"({"kind":"Status","message":"forbidden: no discovery"})"}},
    {"/apis/jobset.x-k8s.io", {200, R"({"versions": [)"}},
};

ApiAnswer answer(const ApiRequest& r) {
  auto it = kDocuments.find(r.target);
  return it == kDocuments.end() ? ApiAnswer{404, R"({"kind":"Status","code":404})"} : it->second;
}

// A Discovery reading the stand-in's documents above.
struct Served {
  FakeApiServer api{answer};
  KubeClient client{configFor(api)};
  Discovery discovery{client};
};

}  // namespace

TEST_CASE("discovery: the preferred version first, then the others, subresources skipped") {
  Served s;
  Discovery& discovery = s.discovery;

  DiscoveredKind cluster = discovery.find("ray.io", "RayCluster");
  REQUIRE(cluster.served());
  CHECK(cluster.apiVersion == "ray.io/v1");
  CHECK(cluster.plural == "rayclusters");  // not rayclusters/status, listed first
  CHECK(cluster.namespaced);

  DiscoveredKind job = discovery.find("ray.io", "RayJob");
  REQUIRE(job.served());
  CHECK(job.apiVersion == "ray.io/v1alpha1");
  CHECK(job.plural == "rayjobs");

  // Each document was read once: the group, v1, then v1alpha1 for RayJob.
  std::vector<std::string> targets;
  for (const ApiRequest& r : s.api.requests()) targets.push_back(r.target);
  CHECK(targets ==
        std::vector<std::string>{"/apis/ray.io", "/apis/ray.io/v1", "/apis/ray.io/v1alpha1"});

  DiscoveredKind service = discovery.find("ray.io", "RayService");
  CHECK(service.state == DiscoveredKind::State::kNotServed);
  CHECK(s.api.requests().size() == 3);
}

TEST_CASE("discovery: cluster-scoped kinds, groups that are not served") {
  Served s;
  Discovery& discovery = s.discovery;
  DiscoveredKind templates = discovery.find("argoproj.io", "ClusterWorkflowTemplate");
  REQUIRE(templates.served());
  CHECK_FALSE(templates.namespaced);
  CHECK(discovery.find("leaderworkerset.x-k8s.io", "LeaderWorkerSet").state ==
        DiscoveredKind::State::kNotServed);
}

TEST_CASE("discovery: a refused or broken document is a failure naming it") {
  Served s;
  Discovery& discovery = s.discovery;
  DiscoveredKind refused = discovery.find("kubeflow.org", "PyTorchJob");
  REQUIRE(refused.failed());
  CHECK(refused.status == 403);
  CHECK(refused.error == "discovery of /apis/kubeflow.org: HTTP 403: forbidden: no discovery");

  DiscoveredKind broken = discovery.find("jobset.x-k8s.io", "JobSet");
  REQUIRE(broken.failed());
  CHECK(broken.status == 200);
  CHECK(broken.error.rfind("discovery of /apis/jobset.x-k8s.io: invalid JSON: ", 0) == 0);
}

TEST_CASE("discovery: an unreachable server fails with status 0") {
  KubeConfig c;
  REQUIRE(parseServerUrl("https://127.0.0.1:1", c).empty());
  c.timeout = 1s;
  KubeClient client(c);
  Discovery discovery(client);
  DiscoveredKind k = discovery.find("ray.io", "RayCluster");
  REQUIRE(k.failed());
  CHECK(k.status == 0);
  CHECK_FALSE(k.error.empty());
}

TEST_CASE("discovery documents: odd shapes read as absent, not as a crash") {
  auto doc = [](const char* text) { return billet::json::parse(text).value; };
  std::string plural;
  bool namespaced = true;
  CHECK_FALSE(findResourceOfKind(doc("{}"), "X", plural, namespaced));
  CHECK_FALSE(findResourceOfKind(doc(R"({"resources":{}})"), "X", plural, namespaced));
  CHECK_FALSE(findResourceOfKind(doc(R"({"resources":[1,{"name":2,"kind":"X"}]})"), "X", plural,
                                 namespaced));
  CHECK(findResourceOfKind(doc(R"({"resources":[{"name":"xs","kind":"X","namespaced":false}]})"),
                           "X", plural, namespaced));
  CHECK(plural == "xs");
  CHECK_FALSE(namespaced);
  CHECK_FALSE(findResourceOfKind(doc(R"({"resources":[{"name":"","kind":"X"},
                                                       {"name":"../secrets?x=","kind":"X"},
                                                       {"name":"Xs","kind":"X"}]})"),
                                 "X", plural, namespaced));
  CHECK(groupVersionsOf(doc("[]")).empty());
  CHECK(groupVersionsOf(doc(R"({"versions":[{"groupVersion":"v1"},{"groupVersion":"g/v1/x"},
                                            {"groupVersion":"../g/v1"},{"groupVersion":"g/v1"},
                                            {"groupVersion":"g/v1"}]})")) ==
        std::vector<std::string>{"g/v1"});
  CHECK(groupVersionsOf(doc(R"({"versions":[{"groupVersion":"g/v2"},{"groupVersion":"g/v1"}],
                                "preferredVersion":{"groupVersion":"g/v1"}})")) ==
        std::vector<std::string>{"g/v1", "g/v2"});
}
