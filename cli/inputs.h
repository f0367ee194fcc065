// The files a command names, read: the command line is the one place that reads standard input
// ("-"), once.
#pragma once

#include <string>
#include <vector>

#include "base/files.h"

namespace billet::cli {

std::vector<base::TextFile> readInputs(const std::vector<std::string>& paths);

}  // namespace billet::cli
