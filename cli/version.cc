// `billet version`: what was built, from what, and how (cli/CMakeLists.txt fills version_info.h).
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/version_info.h"

namespace billet::cli {

int version(const Args& args) {
  ArgParser parser("billet version", {});
  std::string error;
  bool help = false;
  auto parsed = parser.parse(args, error, help);
  if (help) {
    std::cout << parser.help()
              << "\nPrints billet's version, the git commit it was built from (\"-dirty\" with\n"
                 "uncommitted changes, \"unknown\" outside a git checkout), the build date, the\n"
                 "build type and the compiler.\n";
    return 0;
  }
  if (!parsed || !parsed->positionals().empty()) {
    std::cerr << "billet version: "
              << (parsed ? "unexpected argument " + parsed->positionals()[0] : error) << "\n"
              << parser.help();
    return 2;
  }
  std::cout << "billet " << kVersion << " (commit " << kCommit << ", built " << kBuildDate << ", "
            << kBuildType << ", " << kCompiler << ")\n";
  return 0;
}

}  // namespace billet::cli
