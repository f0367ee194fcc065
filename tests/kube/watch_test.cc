// LIST then WATCH (kube/watch.h) against the local stand-in for the API server: events in
// order, bookmarks, resuming from the last resourceVersion, relisting on 410 Gone, stopping.
#include "kube/watch.h"

#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/eventually.h"
#include "tests/kube/api_fixture.h"
#include "tests/kube/fake_api_server.h"

using namespace billet;
using namespace billet::kube;
using billet::test::ApiAnswer;
using billet::test::ApiRequest;
using billet::test::configFor;
using billet::test::FakeApiServer;
using billet::testing::eventually;
using namespace std::chrono_literals;

namespace {

std::string node(const std::string& name, const std::string& rv) {
  return R"({"kind":"Node","metadata":{"name":")" + name + R"(","resourceVersion":")" + rv +
         R"("}})";
}

std::string list(const std::vector<std::string>& names, const std::string& rv) {
  std::string body =
      R"({"kind":"NodeList","metadata":{"resourceVersion":")" + rv + R"("},"items":[)";
  for (std::size_t i = 0; i < names.size(); ++i) body += (i ? "," : "") + node(names[i], rv);
  return body + "]}";
}

std::string event(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}

bool isWatch(const ApiRequest& r) {
  return r.target.find("watch=1") != std::string::npos;
}

// The names known, kept the way a consumer keeps them: a set rebuilt by each LIST.
struct Known {
  std::mutex mu;
  std::map<std::string, int> names, fresh;
  std::vector<std::string> log;
  WatchCallbacks callbacks() {
    WatchCallbacks cb;
    cb.onListStart = [this] {
      std::lock_guard<std::mutex> l(mu);
      fresh.clear();
      log.push_back("list");
    };
    cb.onListItem = [this](const json::Value& o) {
      std::lock_guard<std::mutex> l(mu);
      fresh[std::string(json::dig(o, {"metadata", "name"})->asString())] = 1;
    };
    cb.onListEnd = [this] {
      std::lock_guard<std::mutex> l(mu);
      names.swap(fresh);
    };
    cb.onEvent = [this](EventType t, const json::Value& o) {
      std::lock_guard<std::mutex> l(mu);
      const std::string name(json::dig(o, {"metadata", "name"})->asString());
      if (t == EventType::kDeleted)
        names.erase(name);
      else
        ++names[name];
      log.push_back((t == EventType::kAdded     ? "add "
                     : t == EventType::kDeleted ? "del "
                                                : "mod ") +
                    name);
    };
    return cb;
  }
  std::map<std::string, int> get() {
    std::lock_guard<std::mutex> l(mu);
    return names;
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> l(mu);
    return log;
  }
};

WatchOptions fast(std::string path = "/api/v1/nodes") {
  WatchOptions o;
  o.path = std::move(path);
  o.backoffMin = 10ms;
  o.backoffMax = 50ms;
  o.watchTimeout = 5s;
  return o;
}

}  // namespace

TEST_CASE("LineSplitter: whole lines wherever the stream is cut, bounded") {
  std::vector<std::string> lines;
  LineSplitter s(8);
  const auto keep = [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  };
  CHECK(s.feed("ab", keep));
  CHECK(s.feed("c\n\nde\nf", keep));
  CHECK(s.feed("g\n", keep));
  CHECK(lines == std::vector<std::string>{"abc", "de", "fg"});
  CHECK_FALSE(s.feed("123456789", keep));
  CHECK(s.overflowed());
}

TEST_CASE("Watcher lists, follows events and bookmarks, and resumes where the stream ended") {
  std::mutex mu;
  int watchCalls = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    if (!isWatch(r)) return ApiAnswer{200, list({"a", "b"}, "10")};
    std::lock_guard<std::mutex> l(mu);
    ApiAnswer a;
    if (++watchCalls == 1) {
      // Events, a bookmark, then the server ends the watch (its timeoutSeconds).
      a.chunks = {event("ADDED", node("c", "11")),
                  event("MODIFIED", node("a", "12")) + event("DELETED", node("b", "13")),
                  event("BOOKMARK", R"({"kind":"Node","metadata":{"resourceVersion":"20"}})")};
    } else {
      a.chunks = {event("ADDED", node("d", "21"))};
      a.holdOpen = 30s;
    }
    return a;
  });
  Known known;
  Watcher w(configFor(api), fast(), known.callbacks());
  w.start();
  REQUIRE(eventually([&] { return known.get().count("d") == 1; }));
  CHECK(known.get() == std::map<std::string, int>{{"a", 2}, {"c", 1}, {"d", 1}});
  CHECK(known.events() == std::vector<std::string>{"list", "add c", "mod a", "del b", "add d"});
  CHECK(w.lists() == 1);
  CHECK(w.resourceVersion() == "21");
  const auto requests = api.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].target == "/api/v1/nodes?limit=500");
  CHECK(requests[1].target ==
        "/api/v1/nodes?watch=1&allowWatchBookmarks=true&resourceVersion=10&timeoutSeconds=5");
  CHECK(requests[2].target ==
        "/api/v1/nodes?watch=1&allowWatchBookmarks=true&resourceVersion=20&timeoutSeconds=5");
  const auto start = std::chrono::steady_clock::now();
  w.stop();  // the last watch is still open: stop ends it
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("Watcher lists again after 410 Gone, as an ERROR event or as the answer") {
  const bool asEvent = GENERATE(true, false);
  std::mutex mu;
  int lists = 0, watches = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    std::lock_guard<std::mutex> l(mu);
    if (!isWatch(r)) {
      ++lists;
      return ApiAnswer{200, lists == 1 ? list({"a", "b"}, "10") : list({"b", "c"}, "30")};
    }
    ApiAnswer a;
    if (++watches == 1) {
      if (!asEvent) return ApiAnswer{410, R"({"kind":"Status","code":410,"reason":"Expired"})"};
      a.chunks = {event("ERROR", R"({"kind":"Status","code":410,"reason":"Expired",)"
                                 R"("message":"too old resource version: 10, 25"})")};
      a.holdOpen = 30s;  // the client must not wait for the server to end the stream
    } else {
      a.chunks = {event("ADDED", node("e", "31"))};
      a.holdOpen = 30s;
    }
    return a;
  });
  Known known;
  Watcher w(configFor(api), fast(), known.callbacks());
  w.start();
  REQUIRE(eventually([&] { return known.get().count("e") == 1; }));
  CHECK(known.get() == std::map<std::string, int>{{"b", 1}, {"c", 1}, {"e", 1}});
  CHECK(w.lists() == 2);
  const auto requests = api.requests();
  CHECK(requests.back().target.find("resourceVersion=30") != std::string::npos);
  w.stop();
}

TEST_CASE("Watcher backs off while the API server fails, then recovers") {
  std::mutex mu;
  int calls = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    std::lock_guard<std::mutex> l(mu);
    if (++calls <= 3) return ApiAnswer{503, R"({"kind":"Status","code":503,"message":"etcd"})"};
    if (!isWatch(r)) return ApiAnswer{200, list({"a"}, "5")};
    ApiAnswer a;
    a.chunks = {event("ADDED", node("z", "6"))};
    a.holdOpen = 30s;
    return a;
  });
  Known known;
  Watcher w(configFor(api), fast(), known.callbacks());
  w.start();
  REQUIRE(eventually([&] { return known.get().count("z") == 1; }));
  CHECK(w.failures() == 3);
  CHECK(w.lists() == 1);
  w.stop();
}

TEST_CASE("Watcher relists after an event longer than the line bound, and on request") {
  std::mutex mu;
  int watches = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    std::lock_guard<std::mutex> l(mu);
    if (!isWatch(r)) return ApiAnswer{200, list({"a"}, "5")};
    ApiAnswer a;
    a.chunks = {++watches == 1 ? event("ADDED", node(std::string(300, 'x'), "6"))
                               : event("ADDED", node("ok", "7"))};
    a.holdOpen = 30s;
    return a;
  });
  Known known;
  WatchOptions o = fast();
  o.maxLineBytes = 200;
  Watcher w(configFor(api), o, known.callbacks());
  w.start();
  REQUIRE(eventually([&] { return known.get().count("ok") == 1; }));
  CHECK(w.lists() == 2);
  w.relist();
  REQUIRE(eventually([&] { return w.lists() == 3; }));
  w.stop();
}
