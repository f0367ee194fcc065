// Paged LISTs (kube/list.h) against the local stand-in for the API server: pages followed through
// `continue`, items handed over one at a time, an expired continue token restarting the list.
#include "kube/list.h"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "json/write.h"
#include "tests/kube/api_fixture.h"
#include "tests/kube/fake_api_server.h"

using namespace billet;
using namespace billet::kube;
using billet::test::ApiAnswer;
using billet::test::ApiRequest;
using billet::test::configFor;
using billet::test::FakeApiServer;
using namespace std::chrono_literals;

namespace {

std::string pod(const std::string& name) {
  return R"({"metadata":{"name":")" + name +
         R"(","annotations":{"a":"{[\"}]\\"}},"status":{"phase":"Running"}})";
}

std::string page(const std::vector<std::string>& names, const std::string& cont,
                 const std::string& rv = "42") {
  std::string body = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":")" + rv +
                     R"(")" + (cont.empty() ? "" : R"(,"continue":")" + cont + R"(")") +
                     R"(},"items":[)";
  for (std::size_t i = 0; i < names.size(); ++i) body += (i ? "," : "") + pod(names[i]);
  return body + "]}";
}

std::vector<std::string> names(std::vector<json::Value>& items) {
  std::vector<std::string> out;
  for (const json::Value& v : items)
    out.emplace_back(json::dig(v, {"metadata", "name"})->asString());
  return out;
}

}  // namespace

TEST_CASE("ListBodySplitter: items come out whole wherever the body is cut") {
  const std::string body = page({"a", "b", "c"}, "tok");
  for (std::size_t cut = 1; cut < body.size(); ++cut) {
    std::vector<json::Value> items;
    ListBodySplitter s([&](const json::Value& v) { items.push_back(v); }, 1024);
    REQUIRE(s.feed(std::string_view(body).substr(0, cut)));
    REQUIRE(s.feed(std::string_view(body).substr(cut)));
    REQUIRE(s.finish());
    REQUIRE(names(items) == std::vector<std::string>{"a", "b", "c"});
    CHECK(json::dig(items[1], {"metadata", "annotations", "a"})->asString() == "{[\"}]\\");
    CHECK(json::dig(s.metadata(), {"continue"})->asString() == "tok");
  }
}

TEST_CASE("ListBodySplitter: metadata after the items, empty lists, and broken bodies") {
  std::vector<json::Value> items;
  ListBodySplitter after([&](const json::Value& v) { items.push_back(v); }, 1024);
  CHECK(after.feed(R"({"items":[{"x":1}],"metadata":{"resourceVersion":"7"}})"));
  CHECK(after.finish());
  CHECK(items.size() == 1);
  CHECK(json::dig(after.metadata(), {"resourceVersion"})->asString() == "7");

  ListBodySplitter empty([&](const json::Value&) { FAIL("no item"); }, 1024);
  CHECK(empty.feed(R"({"metadata":{},"items":null})"));
  CHECK(empty.finish());

  ListBodySplitter truncated([](const json::Value&) {}, 1024);
  CHECK(truncated.feed(R"({"items":[{"x":1})"));
  CHECK_FALSE(truncated.finish());

  ListBodySplitter big([](const json::Value&) {}, 16);
  CHECK_FALSE(big.feed(R"({"items":[{"x":"0123456789abcdef"}]})"));
  CHECK_THAT(big.error(), Catch::Contains("longer than 16 bytes"));

  ListBodySplitter array([](const json::Value&) {}, 1024);
  CHECK_FALSE(array.feed("[1]"));
}

TEST_CASE("listAll follows continue tokens, with limit and escaped selectors") {
  FakeApiServer api([](const ApiRequest& r) {
    if (r.target.find("continue=p2") != std::string::npos) return ApiAnswer{200, page({"c"}, "")};
    return ApiAnswer{200, page({"a", "b"}, "p2")};
  });
  KubeClient client(configFor(api));
  ListOptions o;
  o.pageSize = 2;
  o.fieldSelector = "status.phase!=Succeeded";
  std::vector<json::Value> items;
  const ListResult r =
      listAll(client, "/api/v1/pods", o, [&](const json::Value& v) { items.push_back(v); });
  REQUIRE(r.ok());
  CHECK(r.resourceVersion == "42");
  CHECK(r.items == 3);
  CHECK(r.pages == 2);
  CHECK(names(items) == std::vector<std::string>{"a", "b", "c"});
  const auto requests = api.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].target == "/api/v1/pods?limit=2&fieldSelector=status.phase%21%3DSucceeded");
  CHECK(requests[1].target ==
        "/api/v1/pods?limit=2&fieldSelector=status.phase%21%3DSucceeded&continue=p2");
  CHECK(api.connections() == 1);  // the pages share the kept-alive connection
}

TEST_CASE("listAll starts over when the continue token has expired (410 Gone)") {
  int calls = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    ++calls;
    if (r.target.find("continue=") != std::string::npos) {
      if (calls == 2)
        return ApiAnswer{410, R"({"kind":"Status","code":410,"reason":"Expired",)"
                              R"("message":"The provided continue parameter is too old"})"};
      return ApiAnswer{200, page({"c"}, "", "99")};
    }
    return ApiAnswer{200, page({"a", "b"}, "p2", "99")};
  });
  KubeClient client(configFor(api));
  std::vector<json::Value> items;
  int restarts = 0;
  const ListResult r = listAll(
      client, "/api/v1/pods", ListOptions{}, [&](const json::Value& v) { items.push_back(v); },
      [&] {
        ++restarts;
        items.clear();
      });
  REQUIRE(r.ok());
  CHECK(restarts == 1);
  CHECK(r.resumed);
  CHECK(r.items == 3);
  CHECK(names(items) == std::vector<std::string>{"a", "b", "c"});
  CHECK(r.resourceVersion == "99");
  CHECK(api.requests().size() == 4);
}

// The API server's answer to an expired continue token while paging from etcd: a Status with a
// token for going on from the next key at the latest snapshot (apiserver's etcd3 store,
// handleCompactedErrorForPaging).
std::string expired(const std::string& token) {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{)" +
         (token.empty() ? "" : R"("continue":")" + token + R"(")") +
         R"(},"status":"Failure","reason":"Expired","code":410,)"
         R"("message":"The provided continue parameter is too old"})";
}

// A page of namespaced pods, keyed "namespace/name".
std::string nsPage(const std::vector<std::pair<std::string, std::string>>& pods,
                   const std::string& cont) {
  std::string body = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7")" +
                     (cont.empty() ? "" : R"(,"continue":")" + cont + R"(")") + R"(},"items":[)";
  for (std::size_t i = 0; i < pods.size(); ++i)
    body += std::string(i ? "," : "") + R"({"metadata":{"namespace":")" + pods[i].first +
            R"(","name":")" + pods[i].second + R"("}})";
  return body + "]}";
}

std::vector<std::string> keys(std::vector<json::Value>& items) {
  std::vector<std::string> out;
  for (const json::Value& v : items)
    out.push_back(std::string(json::dig(v, {"metadata", "namespace"})->asString()) + "/" +
                  std::string(json::dig(v, {"metadata", "name"})->asString()));
  return out;
}

// Lists /api/v1/pods without onRestart, as the audits do: the result and the items delivered.
std::pair<ListResult, std::vector<json::Value>> listPods(FakeApiServer& api) {
  KubeClient client(configFor(api));
  std::vector<json::Value> items;
  ListResult r = listAll(client, "/api/v1/pods", ListOptions{},
                         [&](const json::Value& v) { items.push_back(v); });
  return {std::move(r), std::move(items)};
}

TEST_CASE("without onRestart, an expired token goes on with the token the 410 offers") {
  FakeApiServer api([&](const ApiRequest& r) {
    if (r.target.find("continue=p2") != std::string::npos) return ApiAnswer{410, expired("next")};
    if (r.target.find("continue=next") != std::string::npos)
      return ApiAnswer{200, page({"c", "d"}, "", "120")};
    return ApiAnswer{200, page({"a", "b"}, "p2", "99")};
  });
  auto [r, items] = listPods(api);
  REQUIRE(r.ok());
  CHECK(r.resumed);
  CHECK(names(items) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(r.items == 4);
  CHECK(r.resourceVersion == "120");
  const auto requests = api.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[2].target == "/api/v1/pods?limit=500&continue=next");
}

TEST_CASE("without onRestart or an offered token, the list starts over and skips what it gave") {
  // Keys compare byte by byte, as the API server orders them: "a-b/…" comes before "a/…".
  int firstPages = 0;
  FakeApiServer api([&](const ApiRequest& r) {
    if (r.target.find("continue=p2") != std::string::npos) return ApiAnswer{410, expired("")};
    if (r.target.find("continue=q2") != std::string::npos)
      return ApiAnswer{200, nsPage({{"a", "y"}, {"b", "a"}}, "")};
    if (++firstPages == 1) return ApiAnswer{200, nsPage({{"a-b", "z"}, {"a", "x"}}, "p2")};
    // The fresh snapshot: a pod created before the last one handed over is not handed over.
    return ApiAnswer{200, nsPage({{"a-b", "z"}, {"a", "w"}, {"a", "x"}}, "q2")};
  });
  auto [r, items] = listPods(api);
  REQUIRE(r.ok());
  CHECK(r.resumed);
  CHECK(keys(items) == std::vector<std::string>{"a-b/z", "a/x", "a/y", "b/a"});
  CHECK(r.items == 4);
  CHECK(api.requests().size() == 4);
}

TEST_CASE("expired tokens end the list after maxRestarts") {
  FakeApiServer api([&](const ApiRequest& r) {
    if (r.target.find("continue=") != std::string::npos) return ApiAnswer{410, expired("again")};
    return ApiAnswer{200, page({"a"}, "p2")};
  });
  KubeClient client(configFor(api));
  ListOptions o;
  o.maxRestarts = 2;
  int seen = 0;
  const ListResult r = listAll(client, "/api/v1/pods", o, [&](const json::Value&) { ++seen; });
  CHECK_FALSE(r.ok());
  CHECK(r.status == 410);
  CHECK(r.error.find("LIST /api/v1/pods: HTTP 410: The provided continue parameter") == 0);
  CHECK(seen == 1);
  CHECK(api.requests().size() == 4);
}

TEST_CASE("listAll reports the API server's refusal and transport failures") {
  FakeApiServer api([](const ApiRequest&) {
    return ApiAnswer{403, R"({"kind":"Status","code":403,"message":"nodes is forbidden"})"};
  });
  KubeClient client(configFor(api));
  const ListResult r = listAll(client, "/api/v1/nodes", ListOptions{}, [](const json::Value&) {});
  CHECK(r.status == 403);
  CHECK(r.error == "LIST /api/v1/nodes: HTTP 403: nodes is forbidden");

  KubeConfig nowhere = configFor(api);
  nowhere.port = "1";
  KubeClient lost(nowhere);
  const ListResult l = listAll(lost, "/api/v1/nodes", ListOptions{}, [](const json::Value&) {});
  CHECK(l.status == 0);
  CHECK_FALSE(l.ok());
}

TEST_CASE("a streamed GET hands over chunked bodies piece by piece, cancel stops it") {
  FakeApiServer api([](const ApiRequest&) {
    ApiAnswer a;
    a.chunks = {"one\n", "two\n"};
    a.holdOpen = 10s;
    return a;
  });
  KubeClient client(configFor(api));
  std::string got;
  std::thread stopper;
  const KubeResponse r = client.stream(
      "/api/v1/pods?watch=1",
      [&](std::string_view d) {
        got += d;
        if (got == "one\ntwo\n") stopper = std::thread([&] { client.cancel(); });
        return true;
      },
      20s);
  stopper.join();
  CHECK(got == "one\ntwo\n");
  CHECK(r.status == 0);
  CHECK(client.cancelled());
  CHECK(client.get("/api/v1/pods").status == 0);
}
