// Where the API server serves a kind it was not built with: the custom resources of the ML
// operators (Settings.podTemplates), whose version and resource name billet cannot know in
// advance (a RayCluster is ray.io/v1 today, was v1alpha1; a user's own kind is anything), found
// the way kubectl finds them, in the API server's discovery documents.
//
//   kube::Discovery discovery(client);
//   kube::DiscoveredKind k = discovery.find("ray.io", "RayCluster");
//   if (k.served()) list(k.apiVersion, k.plural, k.namespaced);  // "ray.io/v1", "rayclusters"
//   else if (k.failed()) log(k.error);                           // else: the CRD is not installed
//
// A group's document (GET /apis/GROUP) names its versions, the preferred one first; each
// version's (GET /apis/GROUP/VERSION) lists its resources with their kinds. The kind is looked
// for in the preferred version, then in the others in the order the server lists them. Each
// document is fetched once per Discovery, so finding the group's other kinds costs nothing more.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "json/value.h"
#include "kube/client.h"

namespace billet::kube {

struct DiscoveredKind {
  enum class State { kServed, kNotServed, kFailed };
  State state = State::kNotServed;
  std::string apiVersion;  // kServed: "GROUP/VERSION"
  std::string plural;      // kServed: the resource, "rayclusters"
  bool namespaced = true;  // kServed
  int status = 0;          // kFailed: the HTTP status, 0 when the server could not be reached
  std::string error;       // kFailed: one line, naming the document that could not be read
  bool served() const { return state == State::kServed; }
  bool failed() const { return state == State::kFailed; }
};

// The resource serving `kind` in an APIResourceList document (the resources of one version),
// skipping subresources ("rayclusters/status") and any name that is not a DNS label; false when
// the list has none.
bool findResourceOfKind(const json::Value& resourceList, std::string_view kind, std::string& plural,
                        bool& namespaced);
// The group versions of an APIGroup document, the preferred one first, each once; only
// "GROUP/VERSION" names (a DNS subdomain and a DNS label), since they become request paths.
std::vector<std::string> groupVersionsOf(const json::Value& group);

class Discovery {
 public:
  explicit Discovery(KubeClient& client) : client_(client) {}
  DiscoveredKind find(std::string_view group, std::string_view kind);

 private:
  struct Document {
    int status = 0;     // the HTTP status; 0 when the server could not be reached
    std::string error;  // empty: 404 (not served), or 200 and `body` parsed
    json::Value body;
  };
  const Document& fetch(const std::string& path);

  KubeClient& client_;
  std::map<std::string, Document> documents_;  // by path
};

}  // namespace billet::kube
