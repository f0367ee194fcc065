// Following a collection of the API server with bounded memory: LIST, then WATCH from the list's
// resourceVersion, on a thread of its own (SPEC §5.1).
//
//   kube::WatchCallbacks cb;
//   cb.onListStart = [&] { fresh.clear(); };            // a LIST begins: rebuild from scratch
//   cb.onListItem = [&](const json::Value& node) { fresh.add(node); };
//   cb.onListEnd = [&] { known.swap(fresh); };          // the known set is complete again
//   cb.onEvent = [&](kube::EventType t, const json::Value& node) { known.apply(t, node); };
//   kube::Watcher nodes(config, {.path = "/api/v1/nodes"}, cb, &log);
//   nodes.start();  ...  nodes.stop();
//
// The objects handed over live only for the call: consumers keep counts and the few fields they
// need, never the objects. Lists are paged (kube/list.h); watch events are read line by line
// from the chunked stream, each line bounded. Bookmarks (`allowWatchBookmarks=true`) move the
// resourceVersion on while nothing changes, so that a reconnect resumes close to where the
// stream was. The server ends each watch after `timeoutSeconds` and a dropped connection ends it
// early: either way the watch resumes from the last resourceVersion seen, without a LIST. A
// resourceVersion the server no longer has (410 Gone, as the answer or as an ERROR event) means
// events were missed: the watcher lists again. Failures back off exponentially, with jitter,
// and are logged; the watcher never gives up until stop().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "base/logging.h"
#include "base/worker.h"
#include "json/value.h"
#include "kube/client.h"
#include "kube/list.h"

namespace billet::kube {

enum class EventType { kAdded, kModified, kDeleted };

struct WatchCallbacks {
  std::function<void()> onListStart;  // what follows replaces everything known
  std::function<void(const json::Value& object)> onListItem;
  std::function<void()> onListEnd;  // the listed set is complete
  std::function<void(EventType type, const json::Value& object)> onEvent;
};

struct WatchOptions {
  std::string path;                        // the collection, e.g. "/api/v1/nodes"
  ListOptions list;                        // selectors (used by the watch too) and page size
  std::chrono::seconds watchTimeout{300};  // `timeoutSeconds` of each WATCH request
  std::size_t maxLineBytes = 4 * 1024 * 1024;
  std::chrono::milliseconds backoffMin{500}, backoffMax{30000};
};

// A line splitter for watch streams: complete lines out, at most `maxLineBytes` buffered.
class LineSplitter {
 public:
  explicit LineSplitter(std::size_t maxLineBytes) : max_(maxLineBytes) {}
  // Calls onLine for each complete line (without the newline; empty lines skipped) until it
  // returns false; false when it did, or when a line grew past the bound (overflowed() then).
  bool feed(std::string_view data, const std::function<bool(std::string_view)>& onLine);
  bool overflowed() const { return overflowed_; }

 private:
  std::size_t max_;
  std::string partial_;
  bool overflowed_ = false;
};

class Watcher {
 public:
  Watcher(KubeConfig config, WatchOptions options, WatchCallbacks callbacks,
          base::Logger* log = nullptr);
  ~Watcher();  // stops
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  void start();
  void stop();    // thread-safe, idempotent; joins the thread
  void relist();  // thread-safe: list again now (what the consumer keeps has changed)

  // For tests and metrics.
  bool synced() const { return synced_.load(); }  // a LIST has completed since start
  std::uint64_t lists() const { return lists_.load(); }
  std::uint64_t watches() const { return watches_.load(); }
  std::uint64_t failures() const { return failures_.load(); }
  std::string resourceVersion() const;

 private:
  enum class Next { kResume, kRelist, kBackoff };
  void run();
  bool list();
  Next watchOnce();
  Next handleLine(std::string_view line);
  void backoff();
  bool stopping() const { return worker_.stopping(); }
  void setResourceVersion(std::string rv);

  KubeClient client_;
  const WatchOptions options_;
  const WatchCallbacks callbacks_;
  base::Logger* log_;
  std::atomic<bool> relist_{false}, synced_{false};
  std::atomic<bool> watching_{false};  // a WATCH is streaming (relist() may interrupt it)
  std::atomic<std::uint64_t> lists_{0}, watches_{0}, failures_{0};
  int consecutiveFailures_ = 0;
  std::uint64_t seed_;
  mutable std::mutex mu_;  // guards resourceVersion_ (read by tests)
  std::string resourceVersion_;
  base::Worker worker_;  // last: joined before what its thread uses is destroyed
};

}  // namespace billet::kube
