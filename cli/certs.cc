#include <iostream>

#include "cli/commands.h"

namespace billet::cli {

int certs(const Args&) {
  std::cerr << "billet certs: not built yet\n";
  return 2;
}

}  // namespace billet::cli
