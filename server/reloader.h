// Watching files for change by polling, and a background thread that reloads on change.
//
// Kubernetes Secret and ConfigMap volumes replace their content by swapping a `..data` symlink,
// so inotify on the visible names is unreliable; instead every interval we resolve each path to
// its final target and compare (target, inode, size, mtime). Polling a handful of stats every few
// seconds costs nothing.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "base/worker.h"

namespace billet::server {

// The state of files and directories (recursively *.yaml, *.yml, *.json; entries whose name
// starts with '.' are skipped, as are the `..data` internals of Kubernetes volumes). Equal
// fingerprints mean nothing observable changed.
std::string fingerprint(const std::vector<std::string>& paths);

// Runs each check every `interval` on its own thread until stop(). A check compares fingerprints
// and reloads what changed; it runs off the request path, so loading may be slow.
class Reloader {
 public:
  using Check = std::function<void()>;
  Reloader(std::chrono::milliseconds interval, std::vector<Check> checks);
  ~Reloader();
  void start();
  void stop();        // wakes the thread and joins it
  void triggerNow();  // run the checks without waiting for the interval

 private:
  std::chrono::milliseconds interval_;
  std::vector<Check> checks_;
  base::Worker worker_;
};

}  // namespace billet::server
