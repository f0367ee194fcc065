// The admission webhook server (SPEC §2): wiring of listeners, TLS, policies, reload and drain.
//
//   server::ServerOptions opts = ...;   // from `billet serve` flags
//   return server::Server(std::move(opts)).run();   // 0 after a clean drain, 2 at bad start
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "policy/policy_set.h"
#include "server/background_audit.h"
#include "server/options.h"

namespace billet::server {

using PolicyLoader =
    std::function<policy::LoadResult(const std::vector<std::string>&, const policy::LoadOptions&)>;

// The server's loader: policies from files and directories (base::readTextFiles).
policy::LoadResult loadPolicyFiles(const std::vector<std::string>& paths,
                                   const policy::LoadOptions& options);

class Server {
 public:
  static constexpr int kExitOk = 0;
  static constexpr int kExitStartup = 2;

  // `auditPass` lists and evaluates the cluster's objects for the background audit (billet serve
  // gives cli's); unset: no background audit.
  explicit Server(ServerOptions options, PolicyLoader loader = loadPolicyFiles,
                  AuditPass auditPass = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads policies and certificates, binds, serves until SIGTERM/SIGINT (or requestStop), drains.
  int run();
  // Starts a drain as SIGTERM would; thread-safe.
  void requestStop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace billet::server
