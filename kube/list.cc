#include "kube/list.h"

#include <utility>

#include "json/parse.h"

namespace billet::kube {

namespace {

constexpr std::size_t kMaxMetadataBytes = 64 * 1024;
constexpr std::size_t kMaxKeyBytes = 64;

bool isSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

}  // namespace

std::string queryEscape(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string describeFailure(const KubeResponse& response) {
  if (response.status == 0) return response.body;
  std::string message;
  if (auto doc = json::parse(response.body, 32); doc.ok()) {
    if (const json::Value* m = doc.value.find("message"); m && m->isString())
      message = m->asString();
  }
  if (message.empty()) message = response.body.substr(0, 200);
  return "HTTP " + std::to_string(response.status) + (message.empty() ? "" : ": " + message);
}

ListBodySplitter::ListBodySplitter(ItemFn onItem, std::size_t maxItemBytes)
    : onItem_(std::move(onItem)), maxItemBytes_(maxItemBytes) {}

void ListBodySplitter::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
}

void ListBodySplitter::endCapture() {
  auto doc = json::parse(captured_);
  if (!doc.ok()) {
    fail("a list item is not valid JSON: " + doc.error);
  } else if (capture_ == Capture::kItem) {
    ++items_;
    onItem_(doc.value);
  } else {
    metadata_ = std::move(doc.value);
  }
  capture_ = Capture::kNone;
  captured_.clear();
  if (captured_.capacity() > 1024 * 1024) captured_.shrink_to_fit();  // after a rare big item
}

bool ListBodySplitter::feed(std::string_view data) {
  for (char c : data) {
    if (!error_.empty()) return false;
    const bool capturing = capture_ != Capture::kNone;
    if (capturing) {
      captured_ += c;
      if (captured_.size() > (capture_ == Capture::kItem ? maxItemBytes_ : kMaxMetadataBytes)) {
        fail(capture_ == Capture::kItem
                 ? "a list item is longer than " + std::to_string(maxItemBytes_) + " bytes"
                 : "the list's metadata is longer than " + std::to_string(kMaxMetadataBytes) +
                       " bytes");
        return false;
      }
    }
    if (inString_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        inString_ = false;
        continue;
      }
      if (!capturing && stringAtDepth1_ && lastString_.size() < kMaxKeyBytes) lastString_ += c;
      continue;
    }
    if (done_) {
      if (!isSpace(c)) fail("data after the end of the list");
      continue;
    }
    switch (c) {
      case '"':
        inString_ = true;
        stringAtDepth1_ = !capturing && depth_ == 1;
        if (stringAtDepth1_) lastString_.clear();
        break;
      case ':':
        if (!capturing && depth_ == 1) key_ = lastString_;
        break;
      case '{':
      case '[':
        if (depth_ == 0 && c != '{') {
          fail("a list body is a JSON object");
          break;
        }
        if (!capturing && depth_ == 1 && c == '{' && key_ == "metadata") {
          capture_ = Capture::kMetadata;
          captured_ = "{";
        } else if (!capturing && depth_ == 1 && c == '[' && key_ == "items") {
          inItems_ = true;
        } else if (!capturing && depth_ == 2 && inItems_) {
          capture_ = Capture::kItem;
          captured_ = c;
        }
        ++depth_;
        break;
      case '}':
      case ']':
        if (depth_ == 0) {
          fail("unbalanced " + std::string(1, c) + " in a list body");
          break;
        }
        --depth_;
        if ((capture_ == Capture::kItem && depth_ == 2) ||
            (capture_ == Capture::kMetadata && depth_ == 1)) {
          endCapture();
        } else if (!capturing && depth_ == 1) {
          inItems_ = false;
        }
        if (depth_ == 0) done_ = true;
        break;
      default:
        if (!capturing && inItems_ && depth_ == 2 && !isSpace(c) && c != ',')
          fail("a list item is not an object");
        break;
    }
  }
  return error_.empty();
}

bool ListBodySplitter::finish() {
  if (error_.empty() && !done_) fail("the list body ended early");
  return error_.empty();
}

namespace {

// Where an item sits in the API server's key order: "namespace/name", or "name" for a
// cluster-scoped object. Lists come in this order (etcd's keys and the watch cache's index are
// both "<prefix>/<namespace>/<name>", compared byte by byte: "a-b/x" comes before "a/x").
std::string itemKey(const json::Value& item) {
  const json::Value* meta = item.isObject() ? item.find("metadata") : nullptr;
  const json::Value* ns = meta ? meta->find("namespace") : nullptr;
  const json::Value* name = meta ? meta->find("name") : nullptr;
  std::string key;
  if (ns && ns->isString() && !ns->asString().empty()) key = std::string(ns->asString()) + "/";
  if (name && name->isString()) key += name->asString();
  return key;
}

// The continue token a 410 answer offers for going on from the next key at the latest snapshot
// (the API server's "inconsistent continue"); empty when it offers none.
std::string inconsistentContinue(const KubeResponse& response) {
  auto doc = json::parse(response.body, 32);
  if (!doc.ok()) return "";
  const json::Value* token = json::dig(doc.value, {"metadata", "continue"});
  return token && token->isString() ? std::string(token->asString()) : "";
}

}  // namespace

ListResult listAll(KubeClient& client, const std::string& path, const ListOptions& options,
                   const ItemFn& onItem, const std::function<void()>& onRestart) {
  ListResult result;
  std::string next;  // the continue token
  int restarts = 0;
  // Without onRestart, items already handed over are never handed over again: `delivered` is the
  // key of the last one, and `skipThrough` the key up to which a list started over skips.
  std::string delivered, skipThrough;
  const ItemFn deliver = [&](const json::Value& item) {
    if (!onRestart) {
      std::string key = itemKey(item);
      if (!skipThrough.empty() && key <= skipThrough) return;
      skipThrough.clear();  // past it: the keys only grow from here
      delivered = std::move(key);
    }
    ++result.items;
    onItem(item);
  };
  for (;;) {
    std::string target = path + "?limit=" + std::to_string(options.pageSize);
    if (!options.labelSelector.empty())
      target += "&labelSelector=" + queryEscape(options.labelSelector);
    if (!options.fieldSelector.empty())
      target += "&fieldSelector=" + queryEscape(options.fieldSelector);
    if (!next.empty()) target += "&continue=" + queryEscape(next);
    ListBodySplitter splitter(deliver, options.maxItemBytes);
    const KubeResponse response = client.stream(
        target, [&](std::string_view data) { return splitter.feed(data); }, options.idleTimeout);
    result.status = response.status;
    const std::string what = "LIST " + path;
    if (!splitter.error().empty()) {
      result.error = what + ": " + splitter.error();
      return result;
    }
    if (response.status == 410 && !next.empty() && restarts < options.maxRestarts) {
      // The continue token expired: the snapshot the pages came from was compacted away.
      ++restarts;
      result.resumed = true;
      if (onRestart) {  // the consumer starts over: so does the list, from a fresh snapshot
        next.clear();
        result.items = 0;
        result.pages = 0;
        onRestart();
        continue;
      }
      // Go on from the next key, at the latest snapshot, as the API server offers; or, when it
      // offers no token, from the first page, skipping what was handed over already.
      next = inconsistentContinue(response);
      if (next.empty()) skipThrough = delivered;
      continue;
    }
    if (response.status != 200) {
      result.error = what + ": " + describeFailure(response);
      return result;
    }
    if (!splitter.finish()) {
      result.error = what + ": " + splitter.error();
      return result;
    }
    ++result.pages;
    const json::Value& meta = splitter.metadata();
    const json::Value* rv = meta.find("resourceVersion");
    const json::Value* cont = meta.find("continue");
    next = cont && cont->isString() ? std::string(cont->asString()) : "";
    if (next.empty()) {
      result.resourceVersion = rv && rv->isString() ? std::string(rv->asString()) : "";
      return result;
    }
  }
}

}  // namespace billet::kube
