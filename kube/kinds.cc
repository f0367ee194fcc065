#include "kube/kinds.h"

#include <algorithm>
#include <array>

namespace billet::kube {

std::string resourceOfKind(std::string_view kind) {
  std::string name;
  name.reserve(kind.size() + 3);
  for (char c : kind) name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (name.empty()) return name;
  // Names already plural in the singular are served as they are.
  if (name.size() >= 9 && name.compare(name.size() - 9, 9, "endpoints") == 0) return name;
  switch (name.back()) {
    case 's':
      return name + "es";  // Ingress -> ingresses
    case 'y':
      name.pop_back();
      return name + "ies";  // NetworkPolicy -> networkpolicies
    default:
      return name + "s";
  }
}

bool isClusterScopedKind(std::string_view kind) {
  // The cluster-scoped kinds of the Kubernetes release tests/cluster runs (discovery's
  // `namespaced: false`), by group, and billet's cluster-wide report.
  // One line per API group, in discovery's order.
  // clang-format off
  static constexpr std::array<std::string_view, 39> kKinds = {
      "ComponentStatus", "Namespace", "Node", "PersistentVolume",
      "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
      "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
      "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
      "CustomResourceDefinition",
      "APIService",
      "TokenReview", "SelfSubjectReview",
      "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview",
      "CertificateSigningRequest", "ClusterTrustBundle",
      "FlowSchema", "PriorityLevelConfiguration",
      "IngressClass", "IPAddress", "ServiceCIDR",
      "RuntimeClass",
      "PriorityClass",
      "ClusterRole", "ClusterRoleBinding",
      "DeviceClass", "DeviceTaintRule", "ResourceSlice",
      "CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "VolumeAttributesClass",
      "StorageVersionMigration",
      "StorageVersion",
      "ClusterPolicyReport"};
  // clang-format on
  return std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end();
}

}  // namespace billet::kube
