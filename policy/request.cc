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

}  // namespace billet::policy
