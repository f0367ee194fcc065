#include "server/state.h"

#include <vector>

namespace billet::server {

std::uint64_t ConnectionRegistry::add(std::weak_ptr<Drainable> c) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::uint64_t id = ++next_;
  live_.emplace(id, std::move(c));
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  live_.erase(id);
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return live_.size();
}

void ConnectionRegistry::drainAll() {
  std::vector<std::shared_ptr<Drainable>> alive;
  {
    std::lock_guard<std::mutex> lock(mu_);
    alive.reserve(live_.size());
    for (auto& [id, weak] : live_)
      if (auto c = weak.lock()) alive.push_back(std::move(c));
  }
  for (auto& c : alive) c->drain();
}

}  // namespace billet::server
