#include <iostream>

#include "cli/commands.h"

namespace billet::cli {

int serve(const Args&) {
  std::cerr << "billet serve: not built yet\n";
  return 2;
}

}  // namespace billet::cli
