// Reads single objects from the API server for admission requests whose answer needs one (the
// workload a `scale` subresource request scales, admission/scale.h), off the event loops.
//
// The loops only enqueue (bounded, never blocking); one thread of its own does the GETs, one at a
// time, and hands each answer to the request's callback on that thread. A request that waited in
// the queue longer than Options::maxWait is answered without a GET (status 0), so that the API
// server's webhook timeout is not spent in billet's queue.
//
//   reader.read("/apis/apps/v1/namespaces/shop/deployments/web",
//               [](kube::KubeResponse r) { ... });   // on the reader's thread
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "kube/client.h"

namespace billet::kube {

class ObjectReader {
 public:
  struct Options {
    std::size_t maxQueue = 64;
    std::chrono::milliseconds maxWait{2000};  // in the queue, before the GET starts
  };
  using Done = std::function<void(KubeResponse)>;

  // `client` should have a timeout well under the webhook's (timeoutSeconds: 5).
  ObjectReader(KubeClient client, Options options);
  ~ObjectReader();  // stop()
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  // Thread-safe, never blocks. False when the queue is full or the reader stopped: `done` is
  // then not called, and the caller answers without the object.
  bool read(std::string target, Done done);
  // Answers what is queued with status 0 (not read), finishes the GET in flight; idempotent.
  void stop();

 private:
  struct Job {
    std::string target;
    Done done;
    std::chrono::steady_clock::time_point queued;
  };
  void run();

  KubeClient client_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace billet::kube
