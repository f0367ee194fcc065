// Fuzz target for what billet reads from the Kubernetes API server and from a kubeconfig: LIST
// bodies (kube/list.h ListBodySplitter), WATCH streams (kube/watch.h LineSplitter), discovery
// documents (kube/discovery.h), kubeconfig files and exec credential plugins' output. billet
// trusts the API server it verified, but a proxy, a bug or a hostile plugin can send anything,
// and none of it may crash billet, hang it, or grow its memory past the bounds.
//
// The first byte picks the reader, the second how the body is cut into pieces as a network
// would deliver it; the rest is the body. For the streamed readers, what comes out (items,
// metadata, errors, lines) must not depend on the cuts: the body whole, cut every 1 to 16 bytes,
// and one byte at a time give the same answer. Discovery names that come out are paths'
// pieces: DNS labels and "GROUP/VERSION" only. Errors are one line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "json/parse.h"
#include "json/write.h"
#include "kube/discovery.h"
#include "kube/exec_credential.h"
#include "kube/kubeconfig.h"
#include "kube/list.h"
#include "kube/watch.h"

namespace {

constexpr std::size_t kMaxInput = 256 * 1024;
constexpr std::size_t kMaxItemBytes = 4096;
constexpr std::size_t kMaxLineBytes = 512;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "kube_response_fuzz: %s\n%.*s\n", what,
               static_cast<int>(detail.size() > 400 ? 400 : detail.size()), detail.data());
  std::abort();
}

// Feeds `body` in pieces of `step` bytes (the whole body when step is 0) to `feed` until it
// returns false; whether every piece was taken.
template <typename Feed>
bool feedInPieces(std::string_view body, std::size_t step, Feed&& feed) {
  if (step == 0) return feed(body);
  for (std::size_t at = 0; at < body.size(); at += step)
    if (!feed(body.substr(at, step))) return false;
  return true;
}

std::string readList(std::string_view body, std::size_t step) {
  std::string out;
  billet::kube::ListBodySplitter splitter(
      [&](const billet::json::Value& item) { out += "item " + billet::json::write(item) + "\n"; },
      kMaxItemBytes);
  const bool fed = feedInPieces(body, step, [&](std::string_view p) { return splitter.feed(p); });
  const bool finished = fed && splitter.finish();
  if (splitter.error().find('\n') != std::string::npos)
    fail("list: an error of more than one line", splitter.error());
  out += finished ? "finished " + billet::json::write(splitter.metadata())
                  : "failed " + splitter.error();
  out += " items " + std::to_string(splitter.items());
  return out;
}

std::string readLines(std::string_view body, std::size_t step) {
  std::string out;
  billet::kube::LineSplitter splitter(kMaxLineBytes);
  feedInPieces(body, step, [&](std::string_view p) {
    return splitter.feed(p, [&](std::string_view line) {
      if (line.empty() || line.size() > kMaxLineBytes || line.find('\n') != std::string_view::npos)
        fail("watch: a line that is empty, too long or not one line", line);
      out.append(line).push_back('\n');
      return true;
    });
  });
  return splitter.overflowed() ? out + "overflowed" : out;
}

void checkStreamed(std::string_view body, std::size_t step,
                   std::string (*read)(std::string_view, std::size_t)) {
  const std::string whole = read(body, 0);
  const std::string cut = read(body, step);
  const std::string bytes = read(body, 1);
  if (whole != cut || whole != bytes) {
    std::fprintf(stderr, "whole:\n%s\ncut every %zu:\n%s\nbyte by byte:\n%s\n", whole.c_str(), step,
                 cut.c_str(), bytes.c_str());
    fail("the answer depends on how the body is cut", body);
  }
}

bool isPathName(std::string_view s) {
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '/'))
      return false;
  return !s.empty();
}

void checkDiscovery(std::string_view body) {
  const auto doc = billet::json::parse(body, 16, 1 << 16);
  if (!doc.ok()) return;
  const std::vector<std::string> versions = billet::kube::groupVersionsOf(doc.value);
  for (std::size_t i = 0; i < versions.size(); ++i) {
    if (!isPathName(versions[i]) || versions[i].find('/') == std::string::npos ||
        versions[i].find("..") != std::string::npos)
      fail("discovery: a group version that is not GROUP/VERSION", versions[i]);
    for (std::size_t j = 0; j < i; ++j)
      if (versions[i] == versions[j]) fail("discovery: a group version twice", versions[i]);
  }
  // Every kind the document names, looked for.
  const billet::json::Value* resources = doc.value.find("resources");
  const billet::json::Array* list = resources ? resources->ifArray() : nullptr;
  for (std::size_t i = 0; list && i < list->size() && i < 64; ++i) {
    const billet::json::Value* kind = (*list)[i].find("kind");
    const billet::json::Text* k = kind ? kind->ifString() : nullptr;
    std::string plural;
    bool namespaced = true;
    if (k && billet::kube::findResourceOfKind(doc.value, *k, plural, namespaced) &&
        (!isPathName(plural) || plural.find('/') != std::string::npos || plural.size() > 63))
      fail("discovery: a resource name that is not a DNS label", plural);
  }
}

void checkConfigs(const std::string& body) {
  const auto config = billet::kube::parseKubeConfig(body, "/nonexistent");
  if (!config.ok() && (config.error.empty() || config.error.find('\n') != std::string::npos))
    fail("kubeconfig: an error that is not one line", config.error);
  for (const char* version :
       {"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}) {
    const auto credential = billet::kube::parseExecCredential(body, version);
    if (!credential.ok() &&
        (credential.error.empty() || credential.error.find('\n') != std::string::npos))
      fail("exec credential: an error that is not one line", credential.error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > kMaxInput) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::size_t step = 1 + data[1] % 16;
  switch (data[0] % 4) {
    case 0:
      checkStreamed(body, step, readList);
      break;
    case 1:
      checkStreamed(body, step, readLines);
      break;
    case 2:
      checkDiscovery(body);
      break;
    default:
      checkConfigs(body);
      break;
  }
  return 0;
}
