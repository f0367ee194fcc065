// Paged LIST with bounded memory: the items of a collection are handed to a callback one at a
// time as the response arrives, never held together (not even one page is parsed whole).
//
//   kube::ListOptions o;
//   o.fieldSelector = "status.phase!=Succeeded";
//   auto listed = kube::listAll(client, "/api/v1/pods", o,
//                               [&](const json::Value& pod) { count(pod); });
//   if (!listed.ok()) log.warn("cannot list pods", {{"error", listed.error}});
//   // listed.resourceVersion: where a WATCH continues from (kube/watch.h)
//
// Pages are requested with `limit` and followed through `metadata.continue`; every page of one
// list is read from the same snapshot, so the resourceVersion returned is the list's. When a
// continue token has expired (410 Gone: that snapshot was compacted away, after a list slower
// than etcd's compaction interval):
//   - with `onRestart` (a consumer that needs one consistent snapshot, such as a watch's list),
//     the list starts again from the first page of a fresh snapshot, after `onRestart`: items
//     already delivered come again, and the consumer starts over;
//   - without it (an audit, which has already acted on what it was handed), the list goes on
//     from the next key at the latest snapshot, with the token the API server's 410 answer
//     offers, or, when it offers none, from the first page, skipping every item up to the last
//     one delivered (lists come in key order). No item is delivered twice; objects changed
//     during the list may be seen as they were or as they are (`resumed` says so).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "json/value.h"
#include "kube/client.h"

namespace billet::kube {

struct ListOptions {
  std::string labelSelector;  // as the API takes them; empty: none
  std::string fieldSelector;
  std::size_t pageSize = 500;                    // `limit`
  std::size_t maxItemBytes = 4 * 1024 * 1024;    // an item longer than this fails the list
  int maxRestarts = 3;                           // relists after expired continue tokens
  std::chrono::milliseconds idleTimeout{30000};  // each wait for more bytes of a page
};

struct ListResult {
  int status = 0;               // the last HTTP status; 0 when the transport failed
  std::string resourceVersion;  // the list's
  std::size_t items = 0;        // items delivered (after the last restart)
  std::size_t pages = 0;
  bool resumed = false;  // went on past an expired continue token (see above)
  std::string error;     // empty on success
  bool ok() const { return error.empty(); }
};

using ItemFn = std::function<void(const json::Value& item)>;

// Percent-encodes a query parameter value (selectors, continue tokens).
std::string queryEscape(std::string_view value);

// One line describing a failed API answer: "HTTP 410: <the Status message>" or the transport error.
std::string describeFailure(const KubeResponse& response);

// `path` is the collection, e.g. "/api/v1/pods" or "/apis/autoscaling/v2/horizontalpodautoscalers".
ListResult listAll(KubeClient& client, const std::string& path, const ListOptions& options,
                   const ItemFn& onItem, const std::function<void()>& onRestart = {});

// Splits a LIST response body, fed in pieces, into its items: each element of the top-level
// `items` array is parsed alone and handed on; `metadata` is kept (it is small). Exposed for
// tests and for anything else that reads a list body in pieces.
class ListBodySplitter {
 public:
  ListBodySplitter(ItemFn onItem, std::size_t maxItemBytes);
  // False once the body is known to be malformed or an item too large; `error()` says which.
  bool feed(std::string_view data);
  // After the whole body: false unless it was one complete JSON object.
  bool finish();
  const std::string& error() const { return error_; }
  std::size_t items() const { return items_; }
  const json::Value& metadata() const { return metadata_; }

 private:
  void fail(std::string why);
  void endCapture();

  ItemFn onItem_;
  std::size_t maxItemBytes_;
  int depth_ = 0;
  bool inString_ = false, escaped_ = false;
  std::string key_, lastString_;  // at depth 1: the member being read
  bool stringAtDepth1_ = false;
  bool inItems_ = false;
  enum class Capture { kNone, kItem, kMetadata } capture_ = Capture::kNone;
  std::string captured_;
  json::Value metadata_;
  std::size_t items_ = 0;
  bool done_ = false;
  std::string error_;
};

}  // namespace billet::kube
