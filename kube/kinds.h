// What billet knows of Kubernetes kinds without asking an API server's discovery: the resource a
// kind is served as, and whether its objects live in a namespace. Offline (`lint`, `audit -f`)
// this makes the AdmissionRequest the API server would send for an object; the client uses the
// resource names for the paths of the kinds billet writes. tests/cluster's cli-parity scenario
// checks both against the discovery of the real API server the tests run, kind by kind.
//
//   resourceOfKind("Deployment") == "deployments"
//   resourceOfKind("NetworkPolicy") == "networkpolicies"
//   resourceOfKind("Ingress") == "ingresses"
//   resourceOfKind("Endpoints") == "endpoints"
//   isClusterScopedKind("Node") && !isClusterScopedKind("Pod")
#pragma once

#include <string>
#include <string_view>

namespace billet::kube {

// The API machinery's own guess from a kind's name: right for every built-in kind and for
// custom resources that keep the default plural of their CRD.
std::string resourceOfKind(std::string_view kind);

// Whether objects of `kind` are cluster-scoped: every built-in kind that is, and the
// PolicyReport kind billet writes cluster-wide. Any other kind (custom resources among them) is
// taken to be namespaced, as most are.
bool isClusterScopedKind(std::string_view kind);

}  // namespace billet::kube
