#include "server/reloader.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "base/files.h"

namespace billet::server {

namespace fs = std::filesystem;

namespace {

void addFile(const fs::path& p, std::string& out) {
  std::error_code ec;
  const fs::path target = fs::canonical(p, ec);
  struct stat st {};
  if (ec || ::stat(target.c_str(), &st) != 0) {
    out += p.string() + "|missing\n";
    return;
  }
  out += p.string() + "|" + target.string() + "|" + std::to_string(st.st_dev) + ":" +
         std::to_string(st.st_ino) + "|" + std::to_string(st.st_size) + "|" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
}

}  // namespace

std::string fingerprint(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path != "-" && fs::is_directory(path, ec)) {
      // The files loading reads (base/files.h), so a change the loader would see is a change.
      base::Result<std::vector<std::string>> files = base::documentFilesUnder(path);
      if (!files.ok()) {
        out += path + "|" + files.error + "\n";
        continue;
      }
      out += path + "|dir|" + std::to_string(files.value.size()) + "\n";
      for (const std::string& f : files.value) addFile(f, out);
    } else {
      addFile(path, out);
    }
  }
  return out;
}

Reloader::Reloader(std::chrono::milliseconds interval, std::vector<Check> checks)
    : interval_(interval), checks_(std::move(checks)) {}

Reloader::~Reloader() {
  stop();
}

void Reloader::start() {
  worker_.start("reloader", [this](base::Worker& w) {
    while (w.waitFor(interval_))
      for (const Check& check : checks_) check();
  });
}

void Reloader::stop() {
  worker_.stop();
}

void Reloader::triggerNow() {
  worker_.wake();
}

}  // namespace billet::server
