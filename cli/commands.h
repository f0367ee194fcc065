// The subcommands of the billet binary. Each returns the process exit code (SPEC §1).
#pragma once

#include <string>
#include <vector>

namespace billet::cli {

using Args = std::vector<std::string>;  // the arguments after the subcommand name

int lint(const Args& args);
int audit(const Args& args);
int review(const Args& args);
int test(const Args& args);
int serve(const Args& args);
int certs(const Args& args);
int version(const Args& args);

}  // namespace billet::cli
