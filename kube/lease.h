// One writer among billet's replicas: a coordination.k8s.io/v1 Lease in billet's namespace,
// held the way client-go's leader election holds one (Kubernetes' own controllers use it).
//
// A thread of its own tries every `retryPeriod`: it creates the Lease when there is none, renews
// it (renewTime) while it holds it, and takes it over when the holder is empty or has not renewed
// for leaseDurationSeconds. Expiry is judged on this replica's clock from when it last saw the
// Lease change, never by comparing another machine's timestamps. Updates carry the
// resourceVersion read, so of two replicas racing for a free Lease one wins and the other gets
// 409. A holder that cannot renew for `renewDeadline` stops leading before anyone else can take
// over. stop() releases the Lease (holderIdentity cleared, leaseDurationSeconds 1), so a replica
// shutting down on SIGTERM hands over at once rather than after the lease duration.
//
//   LeaseElector lease(client, {.namespace_ = "billet-system", .identity = podName}, logger);
//   if (lease.leading()) writeReports();
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "base/logging.h"
#include "base/worker.h"
#include "kube/client.h"

namespace billet::kube {

class LeaseElector {
 public:
  struct Options {
    std::string namespace_;
    std::string name = "billet";
    std::string identity;  // this replica: the pod's name
    std::chrono::seconds leaseDuration{15};
    std::chrono::milliseconds renewDeadline{10'000};
    std::chrono::milliseconds retryPeriod{2'000};
  };

  // Starts the thread. `onChange(true/false)` is called (on that thread) when leading starts or
  // stops.
  LeaseElector(KubeClient client, Options options, base::Logger& logger,
               std::function<void(bool)> onChange = {});
  ~LeaseElector();  // stop()
  LeaseElector(const LeaseElector&) = delete;
  LeaseElector& operator=(const LeaseElector&) = delete;

  bool leading() const { return leading_.load(std::memory_order_acquire); }
  const std::string& identity() const { return options_.identity; }
  // Ends the thread and releases the Lease when held; idempotent.
  void stop();

 private:
  void run(base::Worker& worker);
  bool tryAcquireOrRenew();  // true while this replica holds the Lease
  void release();
  void setLeading(bool now);

  KubeClient client_;
  const Options options_;
  base::Logger& logger_;
  std::function<void(bool)> onChange_;
  std::atomic<bool> leading_{false};
  // Lease thread only: the record last seen, and when (on this replica's clock).
  std::string observedHolder_, observedRenew_;
  std::chrono::steady_clock::time_point observedAt_{};
  std::chrono::steady_clock::time_point lastRenewed_{};
  bool loggedForbidden_ = false;
  base::Worker worker_;  // last: joined before what its thread uses is destroyed
};

// The pod's name for holderIdentity: POD_NAME (the downward API), else the host name and the
// process id (two processes on one host must not share an identity).
std::string leaseIdentity();

}  // namespace billet::kube
