#include "policy/request.h"

namespace billet::policy {

namespace {
constexpr std::string_view kNames[] = {"CREATE", "UPDATE", "DELETE", "CONNECT"};
}

std::string_view name(Operation op) {
  return kNames[static_cast<int>(op)];
}

bool parseOperation(std::string_view s, Operation& op) {
  for (int i = 0; i < 4; ++i)
    if (kNames[i] == s) {
      op = static_cast<Operation>(i);
      return true;
    }
  return false;
}

std::string objectName(const AdmissionRequest& req, const json::Value* object) {
  if (object) {
    if (const json::Value* n = dig(*object, {"metadata", "name"});
        n && n->isString() && !n->asString().empty())
      return std::string(n->asString());
  }
  if (!req.name.empty()) return req.name;
  if (object)
    if (const json::Value* g = dig(*object, {"metadata", "generateName"}); g && g->isString())
      return std::string(g->asString());
  return {};
}

}  // namespace billet::policy
