// Applies generated objects (PodDisruptionBudgets, SPEC §3.3) in the cluster, after admission.
//
// The admission path only enqueues (bounded, never blocking); one thread of its own does the
// API calls. For each object: find the controller's uid (on CREATE the controller does not exist
// yet when it is admitted, so billet asks the API server for it, retrying with backoff until it
// is stored), set an ownerReference to it (the object is garbage-collected with its controller),
// then server-side apply with field manager "billet". Retries with backoff on 404 (owner not
// stored yet), 409, 429, 5xx and transport errors; gives up on other answers. Every outcome is
// counted in billet_generate_total{result=applied|failed|dropped} and failures are logged.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "base/logging.h"
#include "base/worker.h"
#include "json/value.h"
#include "kube/client.h"

namespace billet::kube {

struct ApplyJob {
  json::Value object;  // the generated object, with apiVersion, kind, metadata.name/namespace
  std::string ownerApiVersion, ownerKind, ownerName;
  std::string ownerUid;  // known on UPDATE; looked up when empty
};

class GenerateApplier {
 public:
  struct Options {
    std::size_t maxQueue = 1000;
    int attempts = 8;  // per API call
    std::chrono::milliseconds backoff{250};
    std::chrono::milliseconds maxBackoff{4000};
  };

  // Called with (kind, "applied" | "failed" | "dropped") for every object: the server counts them
  // in billet_generate_total.
  using OutcomeCounter = std::function<void(std::string_view kind, std::string_view result)>;

  GenerateApplier(KubeClient client, OutcomeCounter count, base::Logger& logger, Options options);
  ~GenerateApplier();  // stop()
  GenerateApplier(const GenerateApplier&) = delete;
  GenerateApplier& operator=(const GenerateApplier&) = delete;

  // Thread-safe, never blocks; false (and counted as dropped) when the queue is full.
  bool enqueue(ApplyJob job);
  // Interrupts any backoff, finishes the call in flight, drops what is queued; idempotent.
  void stop();

 private:
  void run(base::Worker& worker);
  std::optional<ApplyJob> next();
  void applyOne(ApplyJob& job);
  // The call, retried per Options; returns the last response.
  template <class Call>
  KubeResponse withRetries(Call&& call);

  KubeClient client_;
  OutcomeCounter count_;
  base::Logger& logger_;
  const Options options_;
  std::mutex mu_;
  std::deque<ApplyJob> queue_;  // under mu_
  base::Worker worker_;
};

}  // namespace billet::kube
