#include "server/server.h"

#include <stdlib.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "certs/certs.h"
#include "server/cluster_tracker.h"
#include "server/io_pool.h"
#include "server/listener.h"
#include "server/reloader.h"
#include "server/signals.h"
#include "server/state.h"

namespace billet::server {

namespace net = boost::asio;

namespace {

std::string joinErrors(const std::vector<policy::LoadError>& errors, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < errors.size() && i < max; ++i) {
    if (i) out += "; ";
    out += errors[i].format();
  }
  if (errors.size() > max) out += "; (" + std::to_string(errors.size() - max) + " more)";
  return out;
}

std::string hostPort(const ListenAddress& a, std::uint16_t port) {
  const bool v6 = a.host.find(':') != std::string::npos;
  return (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(port);
}

}  // namespace

policy::LoadResult loadPolicyFiles(const std::vector<std::string>& paths,
                                   const policy::LoadOptions& options) {
  return policy::loadPolicies(base::readTextFiles(paths), options);
}

struct Server::Impl {
  Impl(ServerOptions options, PolicyLoader policyLoader, AuditPass pass)
      : state(std::make_shared<ServerState>(std::move(options))),
        loader(std::move(policyLoader)),
        auditPass(std::move(pass)),
        io(state->options.threads),
        drainTimer(io.main()) {}

  std::shared_ptr<ServerState> state;
  PolicyLoader loader;
  AuditPass auditPass;
  IoPool io;  // one loop per --threads; listeners, signals and the drain timer on loop 0
  net::steady_timer drainTimer;
  std::shared_ptr<Listener> admission;
  std::shared_ptr<Listener> metricsListener;
  std::unique_ptr<SignalWatcher> signals;
  std::unique_ptr<Reloader> reloader;
  std::unique_ptr<ClusterTracker> tracker;  // --kube-api: the cluster's size and facts
  std::mutex loadMu;                        // one load at a time: the reloader's and the tracker's
  std::string policyPrint, certPrint;  // fingerprints of what is serving (reloader thread only)
  std::chrono::steady_clock::time_point drainDeadline;
  std::string selfSignedDir;  // removed at exit: the CA in it only vouches for this process
  bool finished = false;      // on the drain timer only

  const ServerOptions& opts() const { return state->options; }
  base::Logger& log() { return state->logger; }

  std::vector<std::string> certPaths() const {
    std::vector<std::string> p{opts().certFile, opts().keyFile};
    if (!opts().clientCaFile.empty()) p.push_back(opts().clientCaFile);
    return p;
  }

  policy::LoadOptions loadOptions() const {
    policy::LoadOptions lo;
    lo.selfNamespace = opts().selfNamespace;
    if (tracker) {
      lo.clusterSize = tracker->settledSize();
      lo.facts = tracker->facts();
    }
    return lo;
  }

  // The policies at the paths, as every load reads them. A set without a single policy document
  // (an empty directory, a ConfigMap emptied by mistake) is refused like one that does not load:
  // a webhook serving it would admit everything unchecked, as `lint` would pass it.
  policy::LoadResult loadPolicies() {
    policy::LoadResult loaded = loader(opts().policyPaths, loadOptions());
    if (!loaded.ok() || !loaded.set) return loaded;
    int documents = 0;
    for (const auto& [kind, n] : loaded.set->counts) documents += n;
    if (documents > 0) return loaded;
    std::string paths;
    for (const std::string& p : opts().policyPaths) paths += (paths.empty() ? "" : " ") + p;
    loaded.set = nullptr;
    loaded.errors.push_back({paths, 0, 0, "", "no policy document"});
    return loaded;
  }

  bool loadInitialPolicies() {
    policyPrint = fingerprint(opts().policyPaths);
    policy::LoadResult loaded = loadPolicies();
    if (!loaded.ok() || !loaded.set) {
      for (const policy::LoadError& e : loaded.errors) std::cerr << e.format() << '\n';
      log().error("cannot load policies", {{"errors", static_cast<int>(loaded.errors.size())},
                                           {"error", joinErrors(loaded.errors, 5)}});
      return false;
    }
    for (const std::string& w : loaded.warnings) log().warn("policy warning", {{"warning", w}});
    state->metrics.setPoliciesLoaded(policy::countByKind(*loaded.set));
    state->policies.store(std::move(loaded.set));
    return true;
  }

  bool setupTls() {
    TlsMaterial material;
    if (opts().selfSigned) {
      certs::CertRequest req;
      req.commonName = "localhost";
      req.dnsNames = {"localhost"};
      req.ipAddresses = {"127.0.0.1", "::1"};
      req.days = 30;
      auto made = certs::generate(req);
      if (!made.ok()) {
        log().error("cannot generate a self-signed certificate", {{"error", made.error}});
        return false;
      }
      std::string dir = (std::filesystem::temp_directory_path() / "billet-XXXXXX").string();
      if (!::mkdtemp(dir.data())) {
        log().error("cannot create a temporary directory", {{"dir", dir}});
        return false;
      }
      selfSignedDir = dir;
      const std::string caFile = dir + "/ca.crt";
      std::ofstream(caFile) << made.value.caCert;
      material.certPem = made.value.cert;
      material.keyPem = made.value.key;
      std::cerr << "billet: self-signed CA certificate written to " << caFile << '\n';
      log().always(
          base::LogLevel::kInfo, "self-signed certificate",
          {{"caFile", caFile}, {"dnsNames", "localhost"}, {"ipAddresses", "127.0.0.1,::1"}});
      if (!opts().clientCaFile.empty()) {
        auto ca = readTlsMaterial(opts().clientCaFile, opts().clientCaFile, opts().clientCaFile);
        if (!ca.ok()) {
          log().error("cannot read the client CA", {{"error", ca.error}});
          return false;
        }
        material.clientCaPem = ca.value.certPem;
      }
    } else {
      certPrint = fingerprint(certPaths());
      auto read = readTlsMaterial(opts().certFile, opts().keyFile, opts().clientCaFile);
      if (!read.ok()) {
        log().error("cannot read TLS files", {{"error", read.error}});
        return false;
      }
      material = std::move(read.value);
    }
    auto built = makeTlsContext(material);
    if (!built.ok()) {
      log().error("bad TLS configuration", {{"error", built.error}});
      return false;
    }
    state->tls.publish(std::move(built.value.context));
    state->metrics.setCertificateExpiry(built.value.notAfter);
    return true;
  }

  // --kube-api: generated objects are applied, and PolicyReports written, in cluster by threads
  // of their own.
  bool startClusterWriters() {
    auto kube = kube::resolveKubeApi(opts().kubeApi);
    if (!kube.ok()) {
      log().error("bad --kube-api", {{"error", kube.error}});
      return false;
    }
    if (!kube.value) {
      if (opts().kubeApi != "off")
        log().info(
            "--kube-api auto: not running in a cluster; generated objects are counted, "
            "not applied");
      return true;
    }
    const kube::KubeConfig& config = *kube.value;
    log().always(base::LogLevel::kInfo,
                 "writing generated objects and PolicyReports to the API server",
                 {{"host", config.host},
                  {"port", config.port},
                  {"token", !config.token.empty()},
                  {"ca", config.caPem.empty() ? "system" : "given"}});
    Metrics& metrics = state->metrics;
    state->applier = std::make_unique<kube::GenerateApplier>(
        kube::KubeClient(config),
        [&metrics](std::string_view kind, std::string_view result) {
          metrics.generated(kind, result);
        },
        state->logger, kube::GenerateApplier::Options{});
    // The workloads of scale requests: a short timeout, well within the webhook's 5 s.
    kube::KubeConfig readConfig = config;
    readConfig.timeout = std::chrono::milliseconds(2000);
    state->workloads = std::make_unique<kube::ObjectReader>(kube::KubeClient(readConfig),
                                                            kube::ObjectReader::Options{});
    startLeaseAndAudit(config);
    // The cluster's size (Settings `cluster: auto`) and facts (HPAs, pool nodes), from watches;
    // the serving set is loaded again with them.
    tracker = std::make_unique<ClusterTracker>(
        config, state->logger, state->metrics.registry(),
        [this] { return state->currentPolicies(); }, [this] { return reloadForCluster(); });
    tracker->start(std::chrono::seconds(10));
    reloadForCluster();
    return true;
  }

  // One replica writes PolicyReports and runs the background audit: the holder of the Lease
  // `billet` in billet's namespace (POD_NAMESPACE). Without a namespace (not in a cluster) this
  // process is the only writer.
  void startLeaseAndAudit(const kube::KubeConfig& config) {
    ServerState& s = *state;
    if (!opts().selfNamespace.empty()) {
      kube::LeaseElector::Options lo;
      lo.namespace_ = opts().selfNamespace;
      lo.identity = kube::leaseIdentity();
      s.lease = std::make_unique<kube::LeaseElector>(kube::KubeClient(config), lo, s.logger);
    } else {
      log().warn("POD_NAMESPACE is not set: no Lease; this replica writes PolicyReports alone");
    }
    auto leading = [&s] { return !s.lease || s.lease->leading(); };
    if (auditPass && opts().auditInterval.count() > 0)
      s.audit = std::make_unique<BackgroundAudit>(
          kube::KubeClient(config), auditPass, [&s] { return s.currentPolicies(); }, leading,
          s.reports, s.logger, BackgroundAudit::Options{opts().auditInterval});
    kube::ReportWriter::Options wo;
    wo.interval = opts().reportInterval;
    wo.isWriter = leading;
    if (s.audit) {
      wo.documents = [&s] { return s.audit->policyReports(); };
      wo.version = [&s] { return s.audit->version(); };
      wo.completePasses = [&s] { return s.audit->completePasses(); };
    }
    s.reportWriter =
        std::make_unique<kube::ReportWriter>(kube::KubeClient(config), s.reports, s.logger, wo);
  }

  // The tracker's thread (and once at start): the same policies, with the cluster's settled
  // size and facts. A set that fails to load keeps the previous one serving.
  PolicySetPtr reloadForCluster() {
    std::lock_guard<std::mutex> lock(loadMu);
    policy::LoadResult loaded = loadPolicies();
    if (!loaded.ok() || !loaded.set) {
      state->metrics.policyReload(false);
      log().error("policy load for the cluster's size rejected; the previous policies keep serving",
                  {{"error", joinErrors(loaded.errors, 10)}});
      return state->currentPolicies();
    }
    state->metrics.setPoliciesLoaded(policy::countByKind(*loaded.set));
    PolicySetPtr set = loaded.set;
    state->policies.store(std::move(loaded.set));
    if (tracker) tracker->loaded(*set);
    return set;
  }

  // Reloader thread.
  void checkPolicies() {
    std::lock_guard<std::mutex> lock(loadMu);
    const std::string before = fingerprint(opts().policyPaths);
    if (before == policyPrint) return;
    policy::LoadResult loaded = loadPolicies();
    if (fingerprint(opts().policyPaths) != before) return;  // still being written: next tick
    policyPrint = before;
    if (!loaded.ok() || !loaded.set) {
      state->metrics.policyReload(false);
      log().error("policy reload rejected; the previous policies keep serving",
                  {{"errors", static_cast<int>(loaded.errors.size())},
                   {"error", joinErrors(loaded.errors, 10)}});
      return;
    }
    for (const std::string& w : loaded.warnings) log().warn("policy warning", {{"warning", w}});
    const auto counts = policy::countByKind(*loaded.set);
    if (tracker) tracker->loaded(*loaded.set);
    state->policies.store(std::move(loaded.set));
    state->metrics.policyReload(true);
    state->metrics.setPoliciesLoaded(counts);
    int total = 0;
    for (const auto& [kind, n] : counts) total += n;
    log().info("policies reloaded", {{"documents", total}});
  }

  // Reloader thread.
  void checkCertificates() {
    if (opts().selfSigned) return;
    const std::string before = fingerprint(certPaths());
    if (before == certPrint) return;
    auto read = readTlsMaterial(opts().certFile, opts().keyFile, opts().clientCaFile);
    base::Result<TlsContext> built;
    if (read.ok()) built = makeTlsContext(read.value);
    if (fingerprint(certPaths()) != before) return;  // mid-update: next tick
    certPrint = before;
    if (!read.ok() || !built.ok()) {
      log().error("certificate reload rejected; the previous certificate keeps serving",
                  {{"error", read.ok() ? built.error : read.error}});
      return;
    }
    state->tls.publish(std::move(built.value.context));
    state->metrics.setCertificateExpiry(built.value.notAfter);
    log().info("certificate reloaded",
               {{"notAfter", static_cast<long long>(built.value.notAfter)}});
  }

  void onSignal(int signo) {
    if (signo == SIGHUP) {
      log().info("reload requested (SIGHUP)");
      if (reloader) reloader->triggerNow();
      return;
    }
    if (state->draining.exchange(true)) {
      log().warn("second signal: stopping without waiting for connections");
      io.stop();
      return;
    }
    beginDrain(signo == SIGTERM ? "SIGTERM" : "SIGINT");
  }

  void beginDrain(std::string_view why) {
    state->draining.store(true);
    log().always(
        base::LogLevel::kInfo, "draining",
        {{"signal", why},
         {"connections", static_cast<unsigned long>(state->connections.size())},
         {"drainTimeoutSeconds", static_cast<long long>(opts().drainTimeout.count() / 1000)}});
    if (admission) admission->close();
    state->connections.drainAll();
    drainDeadline = std::chrono::steady_clock::now() + opts().drainTimeout;
    waitDrained();
  }

  void waitDrained() {
    const std::size_t open = state->connections.size();
    if (open == 0 || std::chrono::steady_clock::now() >= drainDeadline) {
      if (open != 0)
        log().warn("drain timeout; closing open connections",
                   {{"connections", static_cast<unsigned long>(open)}});
      if (metricsListener) metricsListener->close();
      if (signals) signals->stop();
      io.stop();
      return;
    }
    drainTimer.expires_after(std::chrono::milliseconds(20));
    drainTimer.async_wait([this](boost::system::error_code ec) {
      if (!ec) waitDrained();
    });
  }

  void removeSelfSigned() {
    if (selfSignedDir.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(selfSignedDir, ignored);
    selfSignedDir.clear();
  }

  int run() {
    const int rc = serve();
    removeSelfSigned();  // also after a failed start
    return rc;
  }

  int serve() {
    // A closed stdout or peer must surface as an error code, never end the process.
    std::signal(SIGPIPE, SIG_IGN);
    if (!loadInitialPolicies() || !setupTls()) return kExitStartup;
    std::string error;
    admission = std::make_shared<Listener>(io, opts().listen, state, Port::kAdmission, error);
    if (!error.empty()) {
      log().error("cannot listen", {{"error", error}});
      return kExitStartup;
    }
    std::uint16_t metricsPort = 0;
    if (opts().metricsListen) {
      metricsListener =
          std::make_shared<Listener>(io, *opts().metricsListen, state, Port::kMetrics, error);
      if (!error.empty()) {
        log().error("cannot listen for metrics", {{"error", error}});
        return kExitStartup;
      }
      metricsPort = metricsListener->port();
    }
    if (!startClusterWriters()) return kExitStartup;
    signals = std::make_unique<SignalWatcher>(io.main(), [this](int s) { onSignal(s); });
    signals->start();
    admission->run();
    if (metricsListener) metricsListener->run();
    reloader = std::make_unique<Reloader>(
        opts().reloadInterval,
        std::vector<Reloader::Check>{[this] { checkCertificates(); }, [this] { checkPolicies(); }});
    reloader->start();

    const int threads = std::max(1, opts().threads);
    log().always(base::LogLevel::kInfo, "serving",
                 {{"listen", hostPort(opts().listen, admission->port())},
                  {"port", admission->port()},
                  {"metricsListen",
                   opts().metricsListen ? hostPort(*opts().metricsListen, metricsPort) : ""},
                  {"metricsPort", metricsPort},
                  {"threads", threads},
                  {"clientAuth", !opts().clientCaFile.empty()},
                  {"kubeApi", opts().kubeApi},
                  {"version", opts().version}});

    io.run(log());  // until the drain (or a second signal) stops the loops
    reloader->stop();
    if (tracker) tracker->stop();
    if (state->workloads) state->workloads->stop();  // before the applier its answers use
    if (state->applier) state->applier->stop();
    if (state->audit) state->audit->stop();
    if (state->reportWriter) state->reportWriter->stop();  // a last write after the drain
    if (state->lease) state->lease->stop();                // then the Lease is released
    removeSelfSigned();
    log().always(base::LogLevel::kInfo, "stopped");
    return kExitOk;
  }
};

Server::Server(ServerOptions options, PolicyLoader loader, AuditPass auditPass)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(loader), std::move(auditPass))) {}

Server::~Server() = default;

int Server::run() {
  return impl_->run();
}

void Server::requestStop() {
  net::post(impl_->io.main(), [impl = impl_.get()] {
    if (!impl->state->draining.exchange(true)) impl->beginDrain("request");
  });
}

}  // namespace billet::server
