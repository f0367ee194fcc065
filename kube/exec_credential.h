// The `exec` credential plugin of a kubeconfig, run the way kubectl runs it (client-go's
// pkg/client/auth/exec): the command with its args, the user's environment plus the plugin's
// `env`, and KUBERNETES_EXEC_INFO holding an ExecCredential
// (client.authentication.k8s.io/v1, or the v1beta1 the kubeconfig names) with
// spec.interactive false. Standard input is /dev/null, standard error is passed through (a
// plugin's "please log in" reaches the person), standard output must be one ExecCredential whose
// status holds a `token` or a `clientCertificateData`/`clientKeyData` pair.
//
// The credential is kept until status.expirationTimestamp (none: for the life of the process);
// refresh() runs the plugin again (the client calls it after a 401, as kubectl does).
//
//   ExecPlugin plugin(config);
//   auto cred = plugin.credential();           // runs the command the first time
//   if (!cred.ok()) fail(cred.error);           // one line: the command, and why
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "certs/certs.h"

namespace billet::kube {

struct ExecConfig {
  std::string apiVersion = "client.authentication.k8s.io/v1";
  std::string command;  // looked up in PATH; a relative path with a '/' is under `dir`
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string dir;                            // the kubeconfig's directory
  std::chrono::milliseconds timeout{60'000};  // the command is killed past it
};

struct ExecCredential {
  std::string token;
  std::string clientCertPem, clientKeyPem;
  std::optional<std::chrono::system_clock::time_point> expires;
};

// Parses the plugin's standard output; an error names what is missing or malformed.
base::Result<ExecCredential> parseExecCredential(const std::string& json,
                                                 const std::string& apiVersion);

class ExecPlugin {
 public:
  explicit ExecPlugin(ExecConfig config) : config_(std::move(config)) {}

  // The cached credential while it has not expired, else the plugin's new one. Thread-safe.
  base::Result<ExecCredential> credential();
  // Forgets the cached credential (the API server refused it).
  void invalidate();

  const ExecConfig& config() const { return config_; }

 private:
  base::Result<ExecCredential> run();

  const ExecConfig config_;
  std::mutex mu_;
  std::optional<ExecCredential> cached_;
};

}  // namespace billet::kube
