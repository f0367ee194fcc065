// billet: one binary, three jobs (webhook, dry-run lint, audit). main only dispatches.
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: billet <command> [flags]\n"
    "\n"
    "commands:\n"
    "  serve     run the admission webhook (TLS)\n"
    "  lint      check policies; with -f, evaluate resources as CREATE\n"
    "  audit     evaluate resources as the webhook would; report, never fail\n"
    "  review    answer one AdmissionReview exactly as the server would\n"
    "  test      run policy test files\n"
    "  certs     generate webhook certificates\n"
    "  version   print version and build info\n"
    "\n"
    "Run 'billet <command> --help' for its flags.\n";

struct Command {
  const char* name;
  int (*run)(const billet::cli::Args&);
};

constexpr Command kCommands[] = {
    {"serve", billet::cli::serve},     {"lint", billet::cli::lint}, {"audit", billet::cli::audit},
    {"review", billet::cli::review},   {"test", billet::cli::test}, {"certs", billet::cli::certs},
    {"version", billet::cli::version},
};

int dispatch(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    (argc < 2 ? std::cerr : std::cout) << kUsage;
    return argc < 2 ? 2 : 0;
  }
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.name) == 0) return c.run(billet::cli::Args(argv + 2, argv + argc));
  }
  std::cerr << "billet: unknown command \"" << argv[1] << "\"\n" << kUsage;
  return 2;
}

}  // namespace

// The last resort. Failures are values inside billet; an exception reaching here is a bug or an
// exhausted resource (std::bad_alloc): one line, exit 2, never an abort with a core dump.
int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "billet: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "billet: internal error: unknown exception\n";
  }
  return 2;
}
