// Reading a kubeconfig file (`billet audit --kubeconfig F [--context C]`) into a KubeConfig for
// the API client, as kubectl reads it:
//
//   clusters[].cluster: server (https:// only), certificate-authority (a file, relative to the
//     kubeconfig's directory) or certificate-authority-data (base64 PEM), tls-server-name;
//   users[].user: token or tokenFile (bearer), client-certificate(-data) with client-key(-data)
//     (mutual TLS), or exec (a credential plugin, kube/exec_credential.h);
//   contexts[].context: cluster and user; the context named by --context, else current-context.
//
// Refused with a one-line reason, never silently ignored: insecure-skip-tls-verify: true (billet
// always verifies the API server: give its CA), proxy-url, username/password, auth-provider (the
// legacy gcp/azure/oidc providers; their replacements are exec plugins), an exec plugin that must
// be interactive (interactiveMode: Always), and a context, cluster or user that is not there.
// Without a CA the system's trust store verifies the server (clusters with a public
// certificate). Several files in one path (KUBECONFIG=a:b) are not merged: one file.
#pragma once

#include <string>

#include "certs/certs.h"
#include "kube/client.h"

namespace billet::kube {

struct LoadedKubeConfig {
  KubeConfig config;
  std::string context;  // the context used
  std::string server;   // the cluster's server URL, for messages and reports
};

// `context` empty: the file's current-context. Never throws.
base::Result<LoadedKubeConfig> loadKubeConfig(const std::string& path,
                                              const std::string& context = "");
// The same from text; `dir` resolves relative file names (tests, stdin).
base::Result<LoadedKubeConfig> parseKubeConfig(const std::string& text, const std::string& dir,
                                               const std::string& context = "");

}  // namespace billet::kube
