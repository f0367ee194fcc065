#include "kube/object_reader.h"

#include <utility>

namespace billet::kube {

ObjectReader::ObjectReader(KubeClient client, Options options)
    : client_(std::move(client)), options_(options) {
  thread_ = std::thread([this] { run(); });
}

ObjectReader::~ObjectReader() {
  stop();
}

bool ObjectReader::read(std::string target, Done done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || queue_.size() >= options_.maxQueue) return false;
  queue_.push_back(Job{std::move(target), std::move(done), std::chrono::steady_clock::now()});
  wake_.notify_one();
  return true;
}

void ObjectReader::stop() {
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    left.swap(queue_);
  }
  wake_.notify_all();
  for (Job& job : left) job.done(KubeResponse{0, "billet is stopping"});
  if (thread_.joinable()) thread_.join();
}

void ObjectReader::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and stop() answered the rest
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const auto waited = std::chrono::steady_clock::now() - job.queued;
    if (waited > options_.maxWait) {
      job.done(KubeResponse{0, "not read: billet's read queue is behind"});
      continue;
    }
    job.done(client_.get(job.target));
  }
}

}  // namespace billet::kube
