// What every connection of one server shares: configuration, the serving policy set and TLS
// context, metrics, reports, the logger, and the drain flag. Built once by Server; sessions hold a
// shared_ptr to it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "base/logging.h"
#include "kube/generate_applier.h"
#include "kube/lease.h"
#include "kube/object_reader.h"
#include "kube/report_writer.h"
#include "report/store.h"
#include "server/background_audit.h"
#include "server/metrics.h"
#include "server/options.h"
#include "server/shared_slot.h"
#include "server/tls_context.h"

namespace billet::policy {
class PolicySet;
}

namespace billet::server {

using PolicySetPtr = std::shared_ptr<const policy::PolicySet>;

// A connection the server can ask to wind down (close when idle) on drain.
class Drainable {
 public:
  virtual ~Drainable() = default;
  virtual void drain() = 0;  // thread-safe: posts to the connection's loop
};

// Live admission connections, so that drain can reach the idle ones.
class ConnectionRegistry {
 public:
  std::uint64_t add(std::weak_ptr<Drainable> c);
  void remove(std::uint64_t id);
  std::size_t size() const;
  void drainAll();

 private:
  mutable std::mutex mu_;
  std::uint64_t next_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<Drainable>> live_;
};

struct ServerState {
  explicit ServerState(ServerOptions opts)
      : options(std::move(opts)), logger(options.logLevel), metrics(options.version) {}

  const ServerOptions options;
  base::Logger logger;
  Metrics metrics;
  report::ReportStore reports;
  TlsContextStore tls;
  SharedSlot<const policy::PolicySet> policies;
  std::atomic<bool> draining{false};
  ConnectionRegistry connections;  // admission (TLS) connections only
  // Set before serving starts when --kube-api reaches a cluster; null otherwise. Last members:
  // destroyed (and their threads joined) before the reports, metrics and logger they use.
  std::unique_ptr<kube::GenerateApplier> applier;
  // Reads the workload of a scale request (admission/scale.h) off the loops; its callbacks use
  // the applier, so it is destroyed (stopped) first.
  std::unique_ptr<kube::ObjectReader> workloads;
  std::unique_ptr<kube::LeaseElector> lease;  // null: no namespace to hold it in (one writer)
  std::unique_ptr<BackgroundAudit> audit;     // null: --audit-interval 0
  std::unique_ptr<kube::ReportWriter> reportWriter;

  PolicySetPtr currentPolicies() const { return policies.load(); }
  bool ready() const { return !draining.load() && currentPolicies() && tls.current(); }
};

}  // namespace billet::server
