// The files a command names, read: the command line is the one place that reads standard input
// ("-"), once.
#pragma once

#include <string>
#include <vector>

#include "base/files.h"
#include "policy/policy_set.h"

namespace billet::cli {

std::vector<base::TextFile> readInputs(const std::vector<std::string>& paths);

// The paths as one line, for messages: "a.yaml dir/ -".
std::string joinPaths(const std::vector<std::string>& paths);

// How many policy documents `set` was loaded from (every kind). A command that evaluates with
// none refuses to run (exit 2): an answer from no policy at all would admit everything.
int policyDocuments(const policy::PolicySet& set);

}  // namespace billet::cli
