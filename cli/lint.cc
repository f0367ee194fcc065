#include <iostream>

#include "cli/commands.h"

namespace billet::cli {

int lint(const Args&) {
  std::cerr << "billet lint: not built yet\n";
  return 2;
}

}  // namespace billet::cli
