#include "server/reloader.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/eventually.h"

using namespace billet::server;
using billet::testing::eventually;
namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path path;
  Dir() {
    std::string t = "/tmp/billet-reloader-XXXXXX";
    REQUIRE(::mkdtemp(t.data()));
    path = t;
  }
  ~Dir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& s) {
  std::ofstream(p) << s;
}

}  // namespace

TEST_CASE("fingerprint: Kubernetes ..data symlink swaps are seen", "[webhook][reloader]") {
  Dir d;
  fs::create_directories(d.path / "..v1");
  write(d.path / "..v1" / "tls.crt", "one");
  fs::create_directory_symlink("..v1", d.path / "..data");
  fs::create_symlink("..data/tls.crt", d.path / "tls.crt");
  const std::vector<std::string> files{(d.path / "tls.crt").string()};
  const std::string before = fingerprint(files);
  CHECK(fingerprint(files) == before);
  fs::create_directories(d.path / "..v2");
  write(d.path / "..v2" / "tls.crt", "two");  // same size: the target path and inode differ
  fs::create_directory_symlink("..v2", d.path / "..tmp");
  fs::rename(d.path / "..tmp", d.path / "..data");
  CHECK(fingerprint(files) != before);
}

TEST_CASE("fingerprint: directories, hidden entries skipped", "[webhook][reloader]") {
  Dir d;
  write(d.path / "a.yaml", "a");
  write(d.path / "notes.txt", "x");
  fs::create_directories(d.path / "..v1");
  write(d.path / "..v1" / "a.yaml", "a");
  const std::vector<std::string> dirs{d.path.string()};
  const std::string before = fingerprint(dirs);
  CHECK(before.find("..v1") == std::string::npos);
  write(d.path / "notes.txt", "changed, but not a policy file");
  CHECK(fingerprint(dirs) == before);
  write(d.path / "b.yml", "b");
  const std::string added = fingerprint(dirs);
  CHECK(added != before);
  fs::remove(d.path / "b.yml");
  CHECK(fingerprint(dirs) == before);
  write(d.path / "a.yaml", "aa");
  CHECK(fingerprint(dirs) != before);
}

TEST_CASE("reloader: runs checks on its thread until stopped", "[webhook][reloader]") {
  std::atomic<int> calls{0};
  Reloader r(std::chrono::milliseconds(10), {[&] { calls++; }});
  r.start();
  REQUIRE(eventually([&] { return calls.load() >= 3; }));
  r.stop();
  const int seen = calls.load();
  // Deliberately a fixed window: nothing must run in it, five intervals after stop().
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(calls.load() == seen);
}

TEST_CASE("reloader: triggerNow runs the checks without waiting for the interval",
          "[webhook][reloader]") {
  std::atomic<int> calls{0};
  Reloader r(std::chrono::hours(1), {[&] { calls++; }, [&] { calls++; }});
  r.start();
  r.triggerNow();
  REQUIRE(eventually([&] { return calls.load() == 2; }));  // each check once
  r.triggerNow();
  REQUIRE(eventually([&] { return calls.load() == 4; }));
  r.stop();
}
