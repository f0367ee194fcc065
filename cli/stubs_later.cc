#include <iostream>

#include "cli/commands.h"

namespace billet::cli {


int test(const Args&) {
  std::cerr << "billet test: not built yet\n";
  return 2;
}

}  // namespace billet::cli
