// Reading the documents a user names: files, directories (recursively), and stdin.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "policy/source.h"

namespace billet::policy {
namespace {

namespace fs = std::filesystem;

bool isDocumentFile(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !in.bad();
}

}  // namespace

std::vector<TextSource> readSources(const std::vector<std::string>& paths,
                                    std::vector<LoadError>& errors) {
  std::vector<TextSource> out;
  bool stdinRead = false;
  for (const std::string& path : paths) {
    if (path == "-") {
      if (stdinRead) continue;
      stdinRead = true;
      out.push_back({"-", std::string(std::istreambuf_iterator<char>(std::cin), {})});
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      errors.push_back({path, 0, 0, "", "no such file or directory"});
      continue;
    }
    std::vector<std::string> files;
    bool named = !fs::is_directory(st);
    if (!named) {
      for (auto it = fs::recursive_directory_iterator(
               path, fs::directory_options::follow_directory_symlink, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        // Kubernetes ConfigMap volumes hold "..data"-style hidden entries: skip hidden names.
        if (it->path().filename().string().rfind('.', 0) == 0) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && isDocumentFile(it->path()))
          files.push_back(it->path().string());
      }
      if (ec) errors.push_back({path, 0, 0, "", "cannot read directory: " + ec.message()});
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(path);
    }
    for (const std::string& f : files) {
      TextSource s{f, {}, named};
      if (!readFile(f, s.text)) {
        errors.push_back({f, 0, 0, "", "cannot read file"});
        continue;
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace billet::policy
