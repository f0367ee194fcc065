// Finding the policy and resource files under a directory (base/files.h).
#include "base/files.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using billet::base::documentFilesUnder;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "billet-files-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "kind: ConfigMap\n";
}

std::vector<std::string> relative(const std::vector<std::string>& files, const fs::path& root) {
  std::vector<std::string> out;
  for (const std::string& f : files) out.push_back(fs::path(f).lexically_relative(root).string());
  return out;
}

}  // namespace

TEST_CASE("document files: YAML and JSON, sorted, hidden entries left out") {
  TempDir d;
  write(d.path / "b.yaml");
  write(d.path / "a" / "x.json");
  write(d.path / "a" / "y.yml");
  write(d.path / "notes.txt");
  write(d.path / ".hidden" / "z.yaml");
  write(d.path / "..data" / "w.yaml");
  auto found = documentFilesUnder(d.path.string());
  REQUIRE(found.ok());
  CHECK(relative(found.value, d.path) == std::vector<std::string>{"a/x.json", "a/y.yml", "b.yaml"});
}

TEST_CASE("document files: a linked directory is walked, a link back up the tree is not") {
  TempDir d;
  TempDir shared;
  write(d.path / "app" / "deploy.yaml");
  write(shared.path / "common.yaml");
  fs::create_directory_symlink(shared.path, d.path / "app" / "shared");
  fs::create_directory_symlink("..", d.path / "app" / "up");  // a loop: app/up/app/up/...
  fs::create_directory_symlink(".", d.path / "self");         // another: self/self/...
  auto found = documentFilesUnder(d.path.string());
  REQUIRE(found.ok());
  CHECK(relative(found.value, d.path) ==
        std::vector<std::string>{"app/deploy.yaml", "app/shared/common.yaml"});
}
