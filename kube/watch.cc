#include "kube/watch.h"

#include <algorithm>
#include <random>
#include <utility>

#include "json/parse.h"

namespace billet::kube {

namespace {

std::string resourceVersionOf(const json::Value& object) {
  const json::Value* rv = json::dig(object, {"metadata", "resourceVersion"});
  return rv && rv->isString() ? std::string(rv->asString()) : "";
}

}  // namespace

bool LineSplitter::feed(std::string_view data,
                        const std::function<bool(std::string_view)>& onLine) {
  while (!data.empty()) {
    const std::size_t nl = data.find('\n');
    const std::string_view piece = data.substr(0, nl);
    if (partial_.size() + piece.size() > max_) {
      overflowed_ = true;
      partial_.clear();
      return false;
    }
    if (nl == std::string_view::npos) {
      partial_.append(piece);
      return true;
    }
    data.remove_prefix(nl + 1);
    bool more = true;
    if (partial_.empty()) {
      if (!piece.empty()) more = onLine(piece);
    } else {
      partial_.append(piece);
      more = onLine(partial_);
      partial_.clear();
    }
    if (!more) return false;
  }
  return true;
}

Watcher::Watcher(KubeConfig config, WatchOptions options, WatchCallbacks callbacks,
                 base::Logger* log)
    : client_(std::move(config)),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      log_(log),
      seed_(std::random_device{}()) {}

Watcher::~Watcher() {
  stop();
}

void Watcher::start() {
  worker_.start("watch", [this](base::Worker&) { run(); });
}

void Watcher::stop() {
  worker_.requestStop();
  client_.cancel();  // a LIST or WATCH in flight ends now, not at its timeout
  worker_.stop();
}

void Watcher::relist() {
  // Sequentially consistent with watchOnce's store and load, so that one of the two sees the
  // other's flag.
  relist_.store(true);
  // A watch waits for events: end it. A list in progress finishes and is followed by another.
  if (watching_.load()) client_.interrupt();
}

std::string Watcher::resourceVersion() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resourceVersion_;
}

void Watcher::setResourceVersion(std::string rv) {
  std::lock_guard<std::mutex> lock(mu_);
  resourceVersion_ = std::move(rv);
}

void Watcher::run() {
  bool needList = true;
  while (!stopping()) {
    if (relist_.exchange(false)) needList = true;
    if (needList) {
      if (!list()) {
        failures_.fetch_add(1);
        backoff();
        continue;
      }
      needList = false;
      continue;  // a relist asked for during the list: list again before watching
    }
    switch (watchOnce()) {
      case Next::kResume:
        break;
      case Next::kRelist:
        needList = true;
        break;
      case Next::kBackoff:
        backoff();
        break;
    }
  }
}

bool Watcher::list() {
  if (callbacks_.onListStart) callbacks_.onListStart();
  ListResult r = listAll(
      client_, options_.path, options_.list,
      [this](const json::Value& item) {
        if (callbacks_.onListItem) callbacks_.onListItem(item);
      },
      callbacks_.onListStart);
  if (r.ok() && r.resourceVersion.empty()) {
    // Without it no watch can start where the list ended: not an API server's list.
    r.error = "LIST " + options_.path + ": no metadata.resourceVersion";
  }
  if (!r.ok()) {
    if (!stopping() && log_)
      log_->warn("cannot list", {{"path", options_.path}, {"error", r.error}});
    return false;
  }
  if (callbacks_.onListEnd) callbacks_.onListEnd();
  setResourceVersion(r.resourceVersion);
  lists_.fetch_add(1);
  synced_.store(true);
  if (log_)
    log_->debug("listed", {{"path", options_.path},
                           {"items", r.items},
                           {"pages", r.pages},
                           {"resourceVersion", r.resourceVersion}});
  return true;
}

Watcher::Next Watcher::handleLine(std::string_view line) {
  auto doc = json::parse(line);
  const json::Value* type = doc.ok() ? doc.value.find("type") : nullptr;
  const json::Value* object = doc.ok() ? doc.value.find("object") : nullptr;
  if (!type || !type->isString() || !object || !object->isObject()) {
    if (log_) log_->warn("unreadable watch event", {{"path", options_.path}, {"error", doc.error}});
    return Next::kRelist;  // an event may be lost: start from a fresh list
  }
  const std::string_view t = type->asString();
  if (t == "ERROR") {
    const json::Value* code = object->find("code");
    const json::Value* message = object->find("message");
    const bool gone = code && code->isNumber() && code->asNumberText() == "410";
    if (log_)
      log_->log(gone ? base::LogLevel::kDebug : base::LogLevel::kWarn, "watch error",
                {{"path", options_.path},
                 {"code", code ? code->scalarText() : ""},
                 {"message", message ? message->scalarText() : ""}});
    return gone ? Next::kRelist : Next::kBackoff;
  }
  if (t == "BOOKMARK") {
    setResourceVersion(resourceVersionOf(*object));
    return Next::kResume;
  }
  const EventType e = t == "ADDED"     ? EventType::kAdded
                      : t == "DELETED" ? EventType::kDeleted
                                       : EventType::kModified;
  if (callbacks_.onEvent) callbacks_.onEvent(e, *object);
  if (std::string rv = resourceVersionOf(*object); !rv.empty()) setResourceVersion(std::move(rv));
  return Next::kResume;
}

Watcher::Next Watcher::watchOnce() {
  std::string target = options_.path + "?watch=1&allowWatchBookmarks=true&resourceVersion=" +
                       queryEscape(resourceVersion()) +
                       "&timeoutSeconds=" + std::to_string(options_.watchTimeout.count());
  if (!options_.list.labelSelector.empty())
    target += "&labelSelector=" + queryEscape(options_.list.labelSelector);
  if (!options_.list.fieldSelector.empty())
    target += "&fieldSelector=" + queryEscape(options_.list.fieldSelector);
  LineSplitter lines(options_.maxLineBytes);
  Next next = Next::kResume;
  std::size_t events = 0;
  const auto onData = [&](std::string_view data) {
    return lines.feed(data, [&](std::string_view line) {
      ++events;
      next = handleLine(line);
      return next == Next::kResume && !relist_.load(std::memory_order_acquire);
    });
  };
  watches_.fetch_add(1);
  // The server ends the watch after timeoutSeconds; a stream silent for longer is dead.
  const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(options_.watchTimeout) +
                    std::chrono::seconds(30);
  const auto began = std::chrono::steady_clock::now();
  watching_.store(true);
  // Asked for a relist before the flag was up: interrupt() was not called; do not wait.
  if (relist_.load()) {
    watching_.store(false);
    return Next::kResume;
  }
  const KubeResponse response = client_.stream(target, onData, idle);
  watching_.store(false);
  const bool lasted = std::chrono::steady_clock::now() - began >= std::chrono::seconds(5);
  if (stopping()) return Next::kResume;
  if (lines.overflowed()) {
    if (log_)
      log_->warn("watch event too long",
                 {{"path", options_.path}, {"maxLineBytes", options_.maxLineBytes}});
    failures_.fetch_add(1);
    ++consecutiveFailures_;
    return Next::kRelist;
  }
  if (next != Next::kResume) {
    if (next == Next::kBackoff) failures_.fetch_add(1);
    return next;
  }
  if (response.status == 410) return Next::kRelist;
  if (relist_.load(std::memory_order_acquire)) return Next::kResume;  // run() lists again
  if (response.status == 200 && (events > 0 || lasted)) {
    consecutiveFailures_ = 0;  // the server ended the watch (timeoutSeconds): resume at once
    return Next::kResume;
  }
  if (response.status == 200) {
    // Ended at once without a single event or bookmark: not how an API server ends a watch
    // (a proxy, or a stand-in answering anything). Do not spin.
    return Next::kBackoff;
  }
  failures_.fetch_add(1);
  if (log_)
    log_->log(response.status == 0 && events > 0 ? base::LogLevel::kInfo : base::LogLevel::kWarn,
              "watch interrupted",
              {{"path", options_.path}, {"error", describeFailure(response)}, {"events", events}});
  if (events > 0) consecutiveFailures_ = 0;  // it was working: retry soon
  return Next::kBackoff;
}

void Watcher::backoff() {
  ++consecutiveFailures_;
  const int shift = std::min(consecutiveFailures_ - 1, 16);
  std::chrono::milliseconds delay = std::min<std::chrono::milliseconds>(
      options_.backoffMax, options_.backoffMin * (std::int64_t{1} << shift));
  // Jitter: between half and the whole delay, so that replicas do not reconnect in step.
  std::mt19937_64 rng(seed_ + static_cast<std::uint64_t>(consecutiveFailures_));
  seed_ = rng();
  std::uniform_int_distribution<std::int64_t> pick(delay.count() / 2, delay.count());
  delay = std::chrono::milliseconds(pick(rng));
  worker_.sleepFor(delay);
}

}  // namespace billet::kube
