#include "server/metric_shards.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include <algorithm>

namespace billet::server {

namespace {

std::uint64_t nextShardsId() {
  static std::atomic<std::uint64_t> id{0};
  return id.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

MetricShards::Observations::Observations(prometheus::Histogram& histogram,
                                         const std::vector<double>& bounds)
    : histogram_(&histogram),
      bounds_(&bounds),
      buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]),
      folded_(bounds.size() + 1, 0) {
  for (std::size_t i = 0; i <= bounds.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void MetricShards::Observations::observe(double value) {
  // As prometheus-cpp's Histogram::Observe: the first bound not below the value (Prometheus's
  // `le`), the last bucket (+Inf) past them all.
  const std::size_t bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_->begin(), bounds_->end(), value) - bounds_->begin());
  bump(buckets_[bucket]);
  sum_.store(sum_.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
}

MetricShards::Count& MetricShards::Shard::count(prometheus::Counter& counter) {
  if (auto it = byCounter_.find(&counter); it != byCounter_.end()) return *it->second;
  std::lock_guard<std::mutex> lock(mu_);
  Count& made = counts_.emplace_back(counter);
  byCounter_.emplace(&counter, &made);
  return made;
}

MetricShards::Observations& MetricShards::Shard::observations(prometheus::Histogram& histogram,
                                                              const std::vector<double>& bounds) {
  if (auto it = byHistogram_.find(&histogram); it != byHistogram_.end()) return *it->second;
  std::lock_guard<std::mutex> lock(mu_);
  Observations& made = observations_.emplace_back(histogram, bounds);
  byHistogram_.emplace(&histogram, &made);
  return made;
}

MetricShards::MetricShards() : id_(nextShardsId()) {}
MetricShards::~MetricShards() = default;

MetricShards::Shard& MetricShards::local() {
  // The shard of the instance this thread used last; another instance (tests make several, one
  // after another) gets a new one. Ids are never reused, so a pointer into an instance that is
  // gone is never followed.
  thread_local std::uint64_t owner = 0;
  thread_local Shard* shard = nullptr;
  if (owner != id_) {
    std::lock_guard<std::mutex> lock(mu_);
    shard = shards_.emplace_back(std::make_unique<Shard>()).get();
    owner = id_;
  }
  return *shard;
}

void MetricShards::fold() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<double> increments;
  for (const std::unique_ptr<Shard>& shard : shards_) {
    std::lock_guard<std::mutex> entries(shard->mu_);
    for (Count& c : shard->counts_) {
      const std::uint64_t n = c.n_.load(std::memory_order_relaxed);
      if (n == c.folded_) continue;
      c.counter_->Increment(static_cast<double>(n - c.folded_));
      c.folded_ = n;
    }
    for (Observations& o : shard->observations_) {
      increments.assign(o.folded_.size(), 0);
      bool any = false;
      for (std::size_t i = 0; i < o.folded_.size(); ++i) {
        const std::uint64_t n = o.buckets_[i].load(std::memory_order_relaxed);
        increments[i] = static_cast<double>(n - o.folded_[i]);
        any = any || n != o.folded_[i];
        o.folded_[i] = n;
      }
      if (!any) continue;
      const double sum = o.sum_.load(std::memory_order_relaxed);
      o.histogram_->ObserveMultiple(increments, sum - o.foldedSum_);
      o.foldedSum_ = sum;
    }
  }
}

}  // namespace billet::server
