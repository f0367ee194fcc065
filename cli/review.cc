#include <iostream>

#include "cli/commands.h"

namespace billet::cli {

int review(const Args&) {
  std::cerr << "billet review: not built yet\n";
  return 2;
}

}  // namespace billet::cli
