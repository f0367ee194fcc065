#include "kube/discovery.h"

#include <algorithm>
#include <utility>

#include "base/names.h"
#include "json/parse.h"
#include "kube/list.h"

namespace billet::kube {

namespace {

// Discovery documents are small (a large group's is tens of KiB) and shallow.
constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxValues = 1 << 20;

const json::Text* stringAt(const json::Value& v, std::string_view key) {
  const json::Value* m = v.find(key);
  return m ? m->ifString() : nullptr;
}

// "GROUP/VERSION" as the API machinery names them; anything else is not put into a path.
bool isGroupVersion(std::string_view gv) {
  const std::size_t slash = gv.find('/');
  return slash != std::string_view::npos && base::isDns1123Subdomain(gv.substr(0, slash)) &&
         base::isDns1123Label(gv.substr(slash + 1));
}

}  // namespace

bool findResourceOfKind(const json::Value& resourceList, std::string_view kind, std::string& plural,
                        bool& namespaced) {
  const json::Value* resources = resourceList.find("resources");
  const json::Array* list = resources ? resources->ifArray() : nullptr;
  if (!list) return false;
  for (const json::Value& r : *list) {
    const json::Text* name = stringAt(r, "name");
    const json::Text* k = stringAt(r, "kind");
    // A subresource ("rayclusters/status") is not a label; neither is a name that would not
    // make a path.
    if (!name || !k || *k != kind || !base::isDns1123Label(*name)) continue;
    plural = *name;
    const json::Value* ns = r.find("namespaced");
    namespaced = !(ns && ns->isBool() && !ns->asBool());
    return true;
  }
  return false;
}

std::vector<std::string> groupVersionsOf(const json::Value& group) {
  std::vector<std::string> out;
  auto add = [&](const json::Value& v) {
    const json::Text* gv = stringAt(v, "groupVersion");
    if (gv && isGroupVersion(*gv) && std::find(out.begin(), out.end(), *gv) == out.end())
      out.push_back(gv->str());
  };
  if (const json::Value* preferred = group.find("preferredVersion")) add(*preferred);
  const json::Value* versions = group.find("versions");
  if (const json::Array* list = versions ? versions->ifArray() : nullptr)
    for (const json::Value& v : *list) add(v);
  return out;
}

const Discovery::Document& Discovery::fetch(const std::string& path) {
  auto [it, inserted] = documents_.try_emplace(path);
  Document& d = it->second;
  if (!inserted) return d;
  const KubeResponse response = client_.get(path);
  d.status = response.status;
  if (response.status == 404) return d;
  if (response.status != 200) {
    d.error = "discovery of " + path + ": " + describeFailure(response);
    return d;
  }
  base::Result<json::Value> parsed = json::parse(response.body, kMaxDepth, kMaxValues);
  if (!parsed.ok()) {
    d.error = "discovery of " + path + ": " + parsed.error;
    return d;
  }
  d.body = std::move(parsed.value);
  return d;
}

DiscoveredKind Discovery::find(std::string_view group, std::string_view kind) {
  DiscoveredKind out;
  auto failed = [&](const Document& d) {
    out.state = DiscoveredKind::State::kFailed;
    out.status = d.status;
    out.error = d.error;
    return out;
  };
  std::vector<std::string> versions;
  if (group.empty()) {
    versions.push_back("v1");
  } else {
    const Document& g = fetch("/apis/" + std::string(group));
    if (g.status == 404) return out;
    if (!g.error.empty()) return failed(g);
    versions = groupVersionsOf(g.body);
  }
  for (const std::string& gv : versions) {
    const Document& list = fetch((group.empty() ? "/api/" : "/apis/") + gv);
    if (list.status == 404) continue;  // a version removed since the group's document was read
    if (!list.error.empty()) return failed(list);
    if (findResourceOfKind(list.body, kind, out.plural, out.namespaced)) {
      out.state = DiscoveredKind::State::kServed;
      out.apiVersion = gv;
      return out;
    }
  }
  return out;
}

}  // namespace billet::kube
