#include "base/files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace billet::base {

namespace fs = std::filesystem;

bool isDocumentFile(std::string_view name) {
  auto endsWith = [&](std::string_view ext) {
    return name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  return endsWith(".yaml") || endsWith(".yml") || endsWith(".json");
}

Result<std::vector<std::string>> documentFilesUnder(const std::string& directory) {
  Result<std::vector<std::string>> out;
  std::error_code ec;
  // Symbolic links to directories are followed (a repository may link a shared folder in), each
  // directory once: a link back up the tree would otherwise be walked until the path is too long,
  // and its files read again at every level.
  std::set<fs::path> walked;
  walked.insert(fs::weakly_canonical(directory, ec));
  ec.clear();
  for (auto it = fs::recursive_directory_iterator(
           directory, fs::directory_options::follow_directory_symlink, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind('.', 0) == 0) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (std::error_code dec; it->is_directory(dec)) {
      const fs::path real = fs::canonical(it->path(), dec);
      if (dec || !walked.insert(real).second) it.disable_recursion_pending();
      continue;
    }
    if (isDocumentFile(name) && it->is_regular_file(ec)) out.value.push_back(it->path().string());
  }
  if (ec)
    return Result<std::vector<std::string>>::failure("cannot read directory: " + ec.message());
  std::sort(out.value.begin(), out.value.end());
  return out;
}

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Result<std::string>::failure("cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Result<std::string>::failure("cannot read file");
  return {ss.str(), {}};
}

std::vector<TextFile> readTextFiles(const std::vector<std::string>& paths,
                                    const std::string* stdinText) {
  std::vector<TextFile> out;
  bool stdinRead = false;
  for (const std::string& path : paths) {
    if (path == "-") {
      if (stdinRead) continue;
      stdinRead = true;
      if (stdinText)
        out.push_back({"-", *stdinText, true, {}});
      else
        out.push_back({"-", {}, true, "standard input is not read here"});
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      out.push_back({path, {}, true, "no such file or directory"});
      continue;
    }
    std::vector<std::string> files;
    const bool named = !fs::is_directory(st);
    if (named) {
      files.push_back(path);
    } else {
      Result<std::vector<std::string>> found = documentFilesUnder(path);
      if (!found.ok()) out.push_back({path, {}, false, found.error});
      files = std::move(found.value);
    }
    for (const std::string& f : files) {
      Result<std::string> text = readFile(f);
      out.push_back({f, std::move(text.value), named, std::move(text.error)});
    }
  }
  return out;
}

}  // namespace billet::base
