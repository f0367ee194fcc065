// The counts and observations the request path makes, kept per thread and folded into the
// prometheus-cpp registry when the metrics are read (server/metrics.h).
//
// prometheus-cpp's Counter is an atomic double updated by compare-and-swap, and its Histogram
// takes a mutex for each observation. A review adds one count per rule result and one
// observation: with them on the request path, every I/O thread wrote the same cache lines and
// took the same lock. A shard is written by its own thread alone, with plain loads and stores
// of relaxed atomics (no lock, no read-modify-write), and read by fold(), which adds what each
// shard gathered since the last fold to the registry's counters and histograms.
//
//   MetricShards shards;
//   MetricShards::Shard& mine = shards.local();           // this thread's
//   mine.count(registryCounter).add();                    // no lock
//   mine.observations(histogram, bounds).observe(0.0002);
//   shards.fold();                                        // before the registry is collected
//
// Entries are never removed: a shard holds one per counter or histogram its thread used, as
// the registry holds the counters themselves. A shard outlives its thread (its counts are not
// lost); it lives as long as the MetricShards.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace prometheus {
class Counter;
class Histogram;
}  // namespace prometheus

namespace billet::server {

class MetricShards {
 public:
  // A relaxed increment by the only writer: a load and a store, no locked instruction.
  static void bump(std::atomic<std::uint64_t>& n) {
    n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // One counter's count in one thread.
  class Count {
   public:
    explicit Count(prometheus::Counter& counter) : counter_(&counter) {}
    void add() { bump(n_); }

   private:
    friend class MetricShards;
    prometheus::Counter* counter_;
    std::atomic<std::uint64_t> n_{0};
    std::uint64_t folded_ = 0;  // read and written by fold() only
  };

  // One histogram's observations in one thread. `bounds` are the histogram's bucket bounds, as
  // it was made with them; a value goes to the first bucket whose bound is not below it.
  class Observations {
   public:
    Observations(prometheus::Histogram& histogram, const std::vector<double>& bounds);
    void observe(double value);

   private:
    friend class MetricShards;
    prometheus::Histogram* histogram_;
    const std::vector<double>* bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds + 1 (+Inf)
    std::atomic<double> sum_{0};
    std::vector<std::uint64_t> folded_;  // read and written by fold() only
    double foldedSum_ = 0;
  };

  class Shard {
   public:
    // The entry for this counter or histogram; for the owning thread only.
    Count& count(prometheus::Counter& counter);
    Observations& observations(prometheus::Histogram& histogram, const std::vector<double>& bounds);

   private:
    friend class MetricShards;
    std::mutex mu_;  // taken to add an entry (the owner) and to read the lists (fold)
    std::deque<Count> counts_;
    std::deque<Observations> observations_;
    std::unordered_map<const prometheus::Counter*, Count*> byCounter_;  // the owner's
    std::unordered_map<const prometheus::Histogram*, Observations*> byHistogram_;
  };

  MetricShards();
  ~MetricShards();
  MetricShards(const MetricShards&) = delete;
  MetricShards& operator=(const MetricShards&) = delete;

  // This thread's shard, made on its first use.
  Shard& local();
  // Adds to the registry's counters and histograms what every shard gathered since the last
  // fold. Safe to call from any thread, at any time.
  void fold();

 private:
  const std::uint64_t id_;  // tells instances apart in a thread's cached pointer
  std::mutex mu_;           // guards shards_, and serializes folds
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace billet::server
