#include "cli/inputs.h"

#include <algorithm>
#include <iostream>
#include <iterator>

namespace billet::cli {

std::vector<base::TextFile> readInputs(const std::vector<std::string>& paths) {
  if (std::find(paths.begin(), paths.end(), "-") == paths.end()) return base::readTextFiles(paths);
  const std::string stdinText(std::istreambuf_iterator<char>(std::cin), {});
  return base::readTextFiles(paths, &stdinText);
}

}  // namespace billet::cli
