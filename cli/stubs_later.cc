#include <iostream>

#include "cli/commands.h"

namespace billet::cli {

int audit(const Args&) {
  std::cerr << "billet audit: not built yet\n";
  return 2;
}

int test(const Args&) {
  std::cerr << "billet test: not built yet\n";
  return 2;
}

}  // namespace billet::cli
