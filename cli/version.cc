#include <iostream>

#include "cli/commands.h"
#include "cli/version_info.h"

namespace billet::cli {

int version(const Args&) {
  std::cout << "billet " << kVersion << " (" << kBuildType << ", " << kCompiler << ")\n";
  return 0;
}

}  // namespace billet::cli
