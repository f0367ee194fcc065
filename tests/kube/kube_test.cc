// The API client and the generate applier against a local HTTPS stand-in for the API server
// (tests/kube/fake_api_server.h): the requests are checked as the API server would see them.
#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "json/parse.h"
#include "json/write.h"
#include "kube/client.h"
#include "kube/generate_applier.h"
#include "kube/kinds.h"
#include "kube/report_writer.h"
#include "report/store.h"
#include "tests/eventually.h"
#include "tests/kube/api_fixture.h"
#include "tests/kube/fake_api_server.h"

using namespace billet;
using namespace billet::kube;
using billet::admission::AdmissionReply;
using billet::base::Logger;
using billet::base::LogLevel;
using billet::report::ReportStore;
using billet::test::ApiAnswer;
using billet::test::ApiRequest;
using billet::test::configFor;
using billet::test::FakeApiServer;
using billet::testing::eventually;
using namespace std::chrono_literals;

namespace {

json::Value pdb() {
  auto parsed = json::parse(
      R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget",)"
      R"("metadata":{"name":"gpu-executor-pdb","namespace":"ml-prod",)"
      R"("labels":{"app.kubernetes.io/managed-by":"billet"}},)"
      R"("spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"gpu-executor"}}}})");
  REQUIRE(parsed.ok());
  return parsed.value;
}

ApplyJob jobFor(std::string ownerUid = "") {
  return ApplyJob{pdb(), "apps/v1", "Deployment", "gpu-executor", std::move(ownerUid)};
}

GenerateApplier::Options fastRetries() {
  GenerateApplier::Options o;
  o.backoff = 10ms;
  o.maxBackoff = 40ms;
  o.attempts = 6;
  return o;
}

// The applier's outcomes, as the server would count them in billet_generate_total.
struct Outcomes {
  std::mutex mu;
  std::map<std::string, int> counts;  // "kind/result" -> times
  GenerateApplier::OutcomeCounter counter() {
    return [this](std::string_view kind, std::string_view result) {
      std::lock_guard<std::mutex> lock(mu);
      ++counts[std::string(kind) + "/" + std::string(result)];
    };
  }
};

bool counted(Outcomes& m, const std::string& result, int n) {
  std::lock_guard<std::mutex> lock(m.mu);
  return m.counts["PodDisruptionBudget/" + result] == n;
}

struct NullLog {
  std::FILE* f = std::fopen("/dev/null", "w");
  Logger logger{LogLevel::kDebug, f};
  ~NullLog() { std::fclose(f); }
};

}  // namespace

TEST_CASE("kube api flag: off, auto outside a cluster, URLs and credentials") {
  CHECK_FALSE(resolveKubeApi("off").value.has_value());
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  CHECK_FALSE(resolveKubeApi("auto").value.has_value());

  auto plain = resolveKubeApi("https://api.example:6443/prefix/", "/nonexistent");
  REQUIRE(plain.ok());
  CHECK(plain.value->host == "api.example");
  CHECK(plain.value->port == "6443");
  CHECK(plain.value->basePath == "/prefix");
  CHECK(resolveKubeApi("https://[fd00::1]", "/nonexistent").value->host == "fd00::1");
  CHECK(resolveKubeApi("https://[fd00::1]", "/nonexistent").value->port == "443");
  for (const char* bad : {"http://api", "https://", "https://api:0", "https://api:99999",
                          "https://api:x", "https://[fd00::1"}) {
    INFO(bad);
    CHECK_FALSE(resolveKubeApi(bad, "/nonexistent").ok());
  }

  // In a cluster: the service account's token and CA.
  const std::filesystem::path sa = std::filesystem::temp_directory_path() / "billet-kube-sa";
  std::filesystem::create_directories(sa);
  std::ofstream(sa / "token") << "sa-token\n";
  std::ofstream(sa / "ca.crt") << "CA PEM";
  ::setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto inCluster = resolveKubeApi("auto", sa.string());
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  REQUIRE(inCluster.ok());
  REQUIRE(inCluster.value);
  CHECK(inCluster.value->host == "10.96.0.1");
  CHECK(inCluster.value->token == "sa-token");  // the newline trimmed
  CHECK(inCluster.value->caPem == "CA PEM");

  // Outside: files named by the environment; a missing one is an error.
  ::setenv("BILLET_KUBE_TOKEN_FILE", (sa / "token").c_str(), 1);
  CHECK(resolveKubeApi("https://127.0.0.1:6443", "/nonexistent").value->token == "sa-token");
  ::setenv("BILLET_KUBE_TOKEN_FILE", (sa / "missing").c_str(), 1);
  auto missing = resolveKubeApi("https://127.0.0.1:6443", "/nonexistent");
  CHECK(missing.error.find("missing") != std::string::npos);
  ::unsetenv("BILLET_KUBE_TOKEN_FILE");
  std::filesystem::remove_all(sa);
}

TEST_CASE("kube client: bearer token, keep-alive, reconnect, verified TLS") {
  FakeApiServer api([](const ApiRequest& r) {
    if (r.target == "/close") return ApiAnswer{200, R"({"closing":true})", true};
    return ApiAnswer{r.target == "/missing" ? 404 : 200, R"({"path":")" + r.target + "\"}"};
  });
  KubeClient client(configFor(api));
  KubeResponse a = client.get("/apis/apps/v1/namespaces/a/deployments/x");
  CHECK(a.status == 200);
  CHECK(a.body == R"({"path":"/apis/apps/v1/namespaces/a/deployments/x"})");
  CHECK(client.get("/missing").status == 404);
  CHECK(api.connections() == 1);  // kept alive
  CHECK(client.get("/close").status == 200);
  CHECK(client.apply("/after", "{}").status == 200);  // reconnects after Connection: close
  CHECK(api.connections() == 2);
  const auto seen = api.requests();
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].authorization == "Bearer t0ken");
  CHECK(seen[3].method == "PATCH");
  CHECK(seen[3].contentType == "application/apply-patch+yaml");

  // Another CA: the handshake fails, nothing is sent.
  KubeConfig wrong = configFor(api);
  FakeApiServer other([](const ApiRequest&) { return ApiAnswer{}; });
  wrong.caPem = other.caPem();
  KubeResponse refused = KubeClient(wrong).get("/x");
  CHECK(refused.status == 0);
  CHECK(refused.body.find("TLS handshake") != std::string::npos);
  CHECK(api.requests().size() == 4);

  // Nobody listening: a transport error, within the deadline.
  KubeConfig gone = configFor(api);
  gone.port = "1";
  KubeResponse down = KubeClient(gone).get("/x");
  CHECK(down.status == 0);
  CHECK(down.body.find("cannot connect") != std::string::npos);
}

TEST_CASE("applier: waits for the new controller, then applies with an ownerReference") {
  int ownerLookups = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    if (r.method == "GET") {
      // On CREATE the Deployment is stored only after admission: 404 at first.
      return ++ownerLookups < 3 ? ApiAnswer{404, R"({"kind":"Status","code":404})"}
                                : ApiAnswer{200, R"({"metadata":{"name":"gpu-executor",)"
                                                 R"("uid":"5b1c-owner"}})"};
    }
    return ApiAnswer{201, r.body};
  });
  Outcomes metrics;
  NullLog log;
  {
    GenerateApplier applier(KubeClient(configFor(api)), metrics.counter(), log.logger,
                            fastRetries());
    REQUIRE(applier.enqueue(jobFor()));
    REQUIRE(api.waitForRequests(4, 5s));
  }
  const auto seen = api.requests();
  REQUIRE(seen.size() == 4);
  for (int i = 0; i < 3; ++i) {
    CHECK(seen[i].method == "GET");
    CHECK(seen[i].target == "/apis/apps/v1/namespaces/ml-prod/deployments/gpu-executor");
    CHECK(seen[i].authorization == "Bearer t0ken");
  }
  const ApiRequest& patch = seen[3];
  CHECK(patch.method == "PATCH");
  CHECK(patch.target ==
        "/apis/policy/v1/namespaces/ml-prod/poddisruptionbudgets/gpu-executor-pdb"
        "?fieldManager=billet&force=true");
  CHECK(patch.contentType == "application/apply-patch+yaml");
  CHECK(patch.authorization == "Bearer t0ken");
  auto body = json::parse(patch.body);
  REQUIRE(body.ok());
  CHECK(json::write(*json::dig(body.value, {"metadata", "ownerReferences"})) ==
        R"([{"apiVersion":"apps/v1","kind":"Deployment","name":"gpu-executor",)"
        R"("uid":"5b1c-owner","controller":true}])");
  CHECK(json::write(*json::dig(body.value, {"spec"})) ==
        R"({"minAvailable":1,"selector":{"matchLabels":{"app":"gpu-executor"}}})");
  CHECK(counted(metrics, "applied", 1));
}

TEST_CASE("applier: a known owner uid needs no lookup, rejections are not retried") {
  FakeApiServer api([](const ApiRequest& r) {
    return r.target.find("forbidden") != std::string::npos ? ApiAnswer{403, R"({"code":403})"}
                                                           : ApiAnswer{200, r.body};
  });
  Outcomes metrics;
  NullLog log;
  {
    GenerateApplier applier(KubeClient(configFor(api)), metrics.counter(), log.logger,
                            fastRetries());
    REQUIRE(applier.enqueue(jobFor("known-uid")));  // an UPDATE: the controller's uid is known
    ApplyJob denied = jobFor("known-uid");
    denied.object["metadata"].set("name", json::Value::string("forbidden-pdb"));
    REQUIRE(applier.enqueue(std::move(denied)));
    // Both outcomes counted: both jobs are done, so a wrong retry would already have been sent.
    REQUIRE(eventually(
        [&] { return counted(metrics, "applied", 1) && counted(metrics, "failed", 1); }));
  }
  const auto seen = api.requests();
  REQUIRE(seen.size() == 2);  // no GET, and the 403 is not retried
  CHECK(seen[0].method == "PATCH");
  CHECK(seen[0].body.find(R"("uid":"known-uid")") != std::string::npos);
  CHECK(counted(metrics, "applied", 1));
  CHECK(counted(metrics, "failed", 1));
}

TEST_CASE("applier: server errors are retried with backoff, then given up") {
  FakeApiServer api([](const ApiRequest&) { return ApiAnswer{503, R"({"code":503})"}; });
  Outcomes metrics;
  NullLog log;
  {
    GenerateApplier applier(KubeClient(configFor(api)), metrics.counter(), log.logger,
                            fastRetries());
    REQUIRE(applier.enqueue(jobFor("uid")));
    // Counted once the applier gives up: every attempt it makes is sent by then.
    REQUIRE(eventually([&] { return counted(metrics, "failed", 1); }));
  }
  CHECK(api.requests().size() == 6);  // Options::attempts
}

TEST_CASE("applier: the queue is bounded and a bad name is refused before any call") {
  FakeApiServer api([](const ApiRequest& r) { return ApiAnswer{200, r.body}; });
  Outcomes metrics;
  NullLog log;
  GenerateApplier::Options o = fastRetries();
  o.maxQueue = 0;
  {
    GenerateApplier full(KubeClient(configFor(api)), metrics.counter(), log.logger, o);
    CHECK_FALSE(full.enqueue(jobFor("uid")));
  }
  CHECK(counted(metrics, "dropped", 1));
  {
    GenerateApplier applier(KubeClient(configFor(api)), metrics.counter(), log.logger,
                            fastRetries());
    ApplyJob bad = jobFor("uid");
    bad.object["metadata"].set("name", json::Value::string("../../secrets/x"));
    REQUIRE(applier.enqueue(std::move(bad)));
    REQUIRE(eventually([&] { return counted(metrics, "failed", 1); }));  // the job is done
  }
  CHECK(api.requests().empty());
}

TEST_CASE("resource paths: core and named groups, namespaced and cluster-scoped") {
  CHECK(resourcePath("policy/v1", "PodDisruptionBudget", "ml", "x-pdb") ==
        "/apis/policy/v1/namespaces/ml/poddisruptionbudgets/x-pdb");
  CHECK(resourcePath("v1", "Node", "", "gpu-1") == "/api/v1/nodes/gpu-1");
  CHECK(resourcePath("wgpolicyk8s.io/v1alpha2", "ClusterPolicyReport", "", "billet-cluster") ==
        "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/billet-cluster");
  CHECK(resourcePath("v1", "Pod", "ml", "../etc").empty());
  CHECK(resourcePath("v1", "Pod", "ML", "x").empty());
  CHECK(resourcePath("v1", "Pod", "ml", "").empty());
  CHECK(resourcePath("networking.k8s.io/v1", "NetworkPolicy", "ml", "deny") ==
        "/apis/networking.k8s.io/v1/namespaces/ml/networkpolicies/deny");
}

// The real API server's discovery is the oracle for every built-in kind
// (tests/cluster/scenarios/cli-parity.sh); these are the rule's cases.
TEST_CASE("resource names: the API machinery's plural of a kind") {
  CHECK(resourceOfKind("Deployment") == "deployments");
  CHECK(resourceOfKind("Ingress") == "ingresses");              // ends in s: +es
  CHECK(resourceOfKind("NetworkPolicy") == "networkpolicies");  // ends in y: ies
  CHECK(resourceOfKind("Endpoints") == "endpoints");            // already plural
  CHECK(resourceOfKind("EndpointSlice") == "endpointslices");
  CHECK(resourceOfKind("RayCluster") == "rayclusters");
  CHECK(resourceOfKind("").empty());
}

TEST_CASE("kind scope: cluster-scoped kinds, and namespaced for anything else") {
  for (const char* kind : {"Node", "Namespace", "ClusterRole", "CertificateSigningRequest",
                           "FlowSchema", "ClusterPolicyReport"})
    CHECK(isClusterScopedKind(kind));
  for (const char* kind : {"Pod", "Deployment", "Role", "PolicyReport", "RayCluster", "node", ""})
    CHECK_FALSE(isClusterScopedKind(kind));
}

namespace {

AdmissionReply auditReply(std::string ns, std::string kind, std::string name, std::string message) {
  AdmissionReply r;
  r.uid = "req-" + name;
  r.apiVersion = kind == "Node" ? "v1" : "apps/v1";
  r.kind = std::move(kind);
  r.namespace_ = std::move(ns);
  r.name = std::move(name);
  r.results.push_back({"baseline", "require-resources", policy::Stage::Validate, policy::Mode::Warn,
                       policy::Outcome::Warn, std::move(message), "", ""});
  return r;
}

std::vector<ApiRequest> patchesTo(const FakeApiServer& api, const std::string& needle) {
  std::vector<ApiRequest> out;
  for (const ApiRequest& r : api.requests())
    if (r.method == "PATCH" && r.target.find(needle) != std::string::npos) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("report writer: one PolicyReport per namespace, rewritten only when it changes") {
  FakeApiServer api([](const ApiRequest& r) { return ApiAnswer{200, r.body}; });
  ReportStore store;
  store.record(auditReply("ml-prod", "Deployment", "gpu-executor", "needs requests"));
  store.record(auditReply("", "Node", "gpu-node-1", "unlabelled"));
  NullLog log;
  ReportWriter writer(KubeClient(configFor(api)), store, log.logger, {20ms});
  REQUIRE(api.waitForRequests(2, 5s));
  // Deliberately a fixed window, not a wait for an event: nothing must be sent during it.
  // 150 ms is several 20 ms passes, in which nothing changed.
  std::this_thread::sleep_for(150ms);
  REQUIRE(api.requests().size() == 2);

  const auto ns = patchesTo(api, "/namespaces/ml-prod/policyreports/billet-ml-prod");
  REQUIRE(ns.size() == 1);
  CHECK(ns[0].target ==
        "/apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-prod/policyreports/billet-ml-prod"
        "?fieldManager=billet&force=true");
  CHECK(ns[0].contentType == "application/apply-patch+yaml");
  CHECK(ns[0].authorization == "Bearer t0ken");
  auto doc = json::parse(ns[0].body);
  REQUIRE(doc.ok());
  CHECK(json::write(*json::dig(doc.value, {"kind"})) == R"("PolicyReport")");
  CHECK(json::write(*json::dig(doc.value, {"summary", "warn"})) == "1");
  CHECK(ns[0].body.find(R"("message":"needs requests")") != std::string::npos);
  CHECK(
      patchesTo(api, "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/billet-cluster?").size() ==
      1);

  // A new result in ml-prod: that report again, not the cluster one.
  store.record(auditReply("ml-prod", "Deployment", "trainer", "needs limits"));
  REQUIRE(api.waitForRequests(3, 5s));
  // Deliberately a fixed window: the cluster report, unchanged, must not be rewritten in it.
  std::this_thread::sleep_for(100ms);
  CHECK(patchesTo(api, "billet-ml-prod").size() == 2);
  CHECK(patchesTo(api, "billet-cluster").size() == 1);
  CHECK(patchesTo(api, "billet-ml-prod").back().body.find("needs limits") != std::string::npos);
}

TEST_CASE("report writer: the last results are written at stop, a missing CRD is retried") {
  int calls = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    // No PolicyReport CRD at first (404), installed later.
    return ++calls <= 1 ? ApiAnswer{404, R"({"code":404})"} : ApiAnswer{201, r.body};
  });
  ReportStore store;
  NullLog log;
  {
    ReportWriter writer(KubeClient(configFor(api)), store, log.logger, {20ms});
    store.record(auditReply("team-a", "Deployment", "web", "m"));
    REQUIRE(api.waitForRequests(2, 5s));  // the 404, then the retry on the next pass
    store.record(auditReply("team-b", "Deployment", "api", "m"));
  }  // stop(): one last pass
  CHECK(patchesTo(api, "billet-team-a").size() == 2);
  CHECK(patchesTo(api, "billet-team-b").size() == 1);

  // With an interval far away, stop() alone writes what was recorded.
  FakeApiServer later([](const ApiRequest& r) { return ApiAnswer{200, r.body}; });
  ReportStore pending;
  {
    ReportWriter writer(KubeClient(configFor(later)), pending, log.logger, {std::chrono::hours(1)});
    pending.record(auditReply("team-c", "Deployment", "job", "m"));
  }
  CHECK(patchesTo(later, "billet-team-c").size() == 1);
}

TEST_CASE("report writer: billet's reports the documents no longer hold are deleted after a pass") {
  // The cluster holds billet's reports for ml-prod (current) and gone (its objects were deleted),
  // and one of another tool's that the label selector leaves out.
  FakeApiServer api([](const ApiRequest& r) {
    if (r.method == "GET" && r.target.rfind("/apis/wgpolicyk8s.io/v1alpha2/policyreports?", 0) == 0)
      return ApiAnswer{200, R"({"metadata":{},"items":[
        {"metadata":{"name":"billet-ml-prod","namespace":"ml-prod"}},
        {"metadata":{"name":"billet-gone","namespace":"gone"}}]})"};
    if (r.method == "GET") return ApiAnswer{200, R"({"metadata":{},"items":[]})"};
    return ApiAnswer{200, r.body.empty() ? "{}" : r.body};
  });
  ReportStore store;
  store.record(auditReply("ml-prod", "Deployment", "gpu-executor", "needs requests"));
  NullLog log;
  std::atomic<std::uint64_t> passes{0};
  ReportWriter::Options options{20ms};
  options.completePasses = [&] { return passes.load(); };
  auto deletes = [&] {
    std::vector<std::string> out;
    for (const ApiRequest& r : api.requests())
      if (r.method == "DELETE") out.push_back(r.target);
    return out;
  };
  auto lists = [&] {
    std::size_t n = 0;
    for (const ApiRequest& r : api.requests())
      n += r.method == "GET" &&
           r.target.find("labelSelector=app.kubernetes.io%2Fmanaged-by%3Dbillet") !=
               std::string::npos;
    return n;
  };
  {
    ReportWriter writer(KubeClient(configFor(api)), store, log.logger, options);
    REQUIRE(api.waitForRequests(1, 5s));
    // Deliberately a fixed window: before a complete pass nothing is listed or deleted.
    std::this_thread::sleep_for(150ms);
    CHECK(lists() == 0);
    CHECK(deletes().empty());
    passes = 1;
    store.record(auditReply("ml-prod", "Deployment", "trainer", "needs limits"));
    REQUIRE(api.waitForRequests(5, 5s));  // the rewrite, two lists, one delete
  }
  CHECK(lists() == 2);  // PolicyReports and ClusterPolicyReports, once for the pass
  CHECK(deletes() ==
        std::vector<std::string>{
            "/apis/wgpolicyk8s.io/v1alpha2/namespaces/gone/policyreports/billet-gone"});
}

TEST_CASE("kube client: a rotated service account token is picked up") {
  FakeApiServer api([](const ApiRequest&) { return ApiAnswer{}; });
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "billet-kube-token";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "first\n";
  std::ofstream(dir / "ca.crt") << api.caPem();
  auto resolved = resolveKubeApi(api.url(), dir.string());  // read as a service account's
  REQUIRE(resolved.ok());
  REQUIRE(resolved.value.has_value());
  KubeClient client(*resolved.value);
  CHECK(client.get("/a").status == 200);
  std::ofstream(dir / "token") << "second\n";  // the kubelet swaps the projected token
  CHECK(client.get("/b").status == 200);
  std::filesystem::remove_all(dir);
  CHECK(client.get("/c").status == 200);  // unreadable now: the last token is kept
  const auto seen = api.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].authorization == "Bearer first");
  CHECK(seen[1].authorization == "Bearer second");
  CHECK(seen[2].authorization == "Bearer second");
}
