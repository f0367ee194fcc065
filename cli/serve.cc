// billet serve: flags → server::ServerOptions → server::Server (SPEC §2).
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/args.h"
#include "cli/cluster_audit.h"
#include "cli/commands.h"
#include "cli/version_info.h"
#include "server/server.h"

namespace billet::cli {

namespace {

const ArgParser& parser() {
  static const ArgParser p(
      "billet serve --policies P... (--tls-cert FILE --tls-key FILE | --self-signed) [flags]",
      {
          {"policies", 'p', true, true, "policy files or directories", "PATH"},
          {"tls-cert", 0, true, false, "serving certificate (PEM, chain after it)", "FILE"},
          {"tls-key", 0, true, false, "private key of the certificate (PEM; ECDSA or RSA)", "FILE"},
          {"tls-client-ca", 0, true, false, "require client certificates signed by these CAs",
           "FILE"},
          {"self-signed", 0, false, false,
           "generate a CA and certificate for localhost/127.0.0.1 in memory", ""},
          {"listen", 0, true, false, "admission address (default 0.0.0.0:8443; port 0: any)",
           "ADDR:PORT"},
          {"threads", 0, true, false, "I/O threads (default: hardware threads)", "N"},
          {"max-body-bytes", 0, true, false, "largest request body (default 6291456)", "B"},
          {"max-connections", 0, true, false,
           "open connections per port; more are closed at once (default 256)", "N"},
          {"read-timeout", 0, true, false, "handshake/read/write deadline (default 10s)", "S"},
          {"reload-interval", 0, true, false, "how often files are checked for change (default 5s)",
           "S"},
          {"drain-timeout", 0, true, false,
           "longest wait for in-flight requests on SIGTERM (default 25s)", "S"},
          {"eval-timeout", 0, true, false,
           "longest evaluation of one admission request; past it rules report an error "
           "(default 2s)",
           "S"},
          {"report-interval", 0, true, false,
           "with --kube-api: how often changed PolicyReports are written (default 30s)", "S"},
          {"audit-interval", 0, true, false,
           "with --kube-api: how often existing workloads are audited into PolicyReports "
           "(default 1h; 0: never)",
           "S"},
          {"metrics-listen", 0, true, false, "plain HTTP address for /metrics, /healthz, /readyz",
           "ADDR:PORT"},
          {"log-level", 0, true, false, "debug, info, warn or error (default info)", "L"},
          {"kube-api", 0, true, false,
           "talk to the API server: generated objects, PolicyReports, cluster size, background "
           "audit; auto (in cluster), off, or an https:// URL (default off)",
           "MODE"},
      });
  return p;
}

// "10", "10s", "1.5", "500ms", "2m", "1h" → milliseconds; nullopt when malformed or negative.
std::optional<std::chrono::milliseconds> parseDuration(const std::string& text) {
  std::string_view s = text;
  double scale = 1000;
  if (s.size() > 2 && s.substr(s.size() - 2) == "ms") {
    scale = 1;
    s.remove_suffix(2);
  } else if (!s.empty() && s.back() == 's') {
    s.remove_suffix(1);
  } else if (!s.empty() && s.back() == 'm') {
    scale = 60'000;
    s.remove_suffix(1);
  } else if (!s.empty() && s.back() == 'h') {
    scale = 3'600'000;
    s.remove_suffix(1);
  }
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || value < 0)
    return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(value * scale));
}

template <class T>
bool parseNumber(const std::string& text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

int usageError(const std::string& message) {
  std::cerr << "billet serve: " << message << "\n\n" << parser().help();
  return 2;
}

}  // namespace

int serve(const Args& args) {
  std::string error;
  bool help = false;
  auto parsed = parser().parse(args, error, help);
  if (help) {
    std::cout << parser().help();
    return 0;
  }
  if (!parsed) return usageError(error);
  const ParsedArgs& a = *parsed;
  if (!a.positionals().empty())
    return usageError("unexpected argument \"" + a.positionals()[0] + "\"");

  server::ServerOptions o;
  o.version = kVersion;
  o.policyPaths = a.all("policies");
  if (o.policyPaths.empty()) return usageError("--policies is required");
  for (const std::string& p : o.policyPaths)
    if (p == "-") return usageError("--policies -: the server cannot reload stdin; give files");
  o.selfSigned = a.has("self-signed");
  o.certFile = a.get("tls-cert", "");
  o.keyFile = a.get("tls-key", "");
  o.clientCaFile = a.get("tls-client-ca", "");
  if (o.selfSigned && (!o.certFile.empty() || !o.keyFile.empty()))
    return usageError("--self-signed excludes --tls-cert and --tls-key");
  if (!o.selfSigned && (o.certFile.empty() || o.keyFile.empty()))
    return usageError("--tls-cert and --tls-key are required (or --self-signed)");

  if (auto v = a.get("listen")) {
    auto addr = server::parseListenAddress(*v);
    if (!addr) return usageError("--listen: expected ADDR:PORT, got \"" + *v + "\"");
    o.listen = *addr;
  }
  if (auto v = a.get("metrics-listen")) {
    auto addr = server::parseListenAddress(*v);
    if (!addr) return usageError("--metrics-listen: expected ADDR:PORT, got \"" + *v + "\"");
    o.metricsListen = *addr;
  }
  o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (auto v = a.get("threads")) {
    if (!parseNumber(*v, o.threads) || o.threads < 1 || o.threads > 1024)
      return usageError("--threads: expected 1..1024, got \"" + *v + "\"");
  }
  if (auto v = a.get("max-body-bytes")) {
    if (!parseNumber(*v, o.maxBodyBytes) || o.maxBodyBytes < 1)
      return usageError("--max-body-bytes: expected a positive number of bytes, got \"" + *v +
                        "\"");
  }
  if (auto v = a.get("max-connections")) {
    if (!parseNumber(*v, o.maxConnections) || o.maxConnections < 1)
      return usageError("--max-connections: expected a positive number, got \"" + *v + "\"");
  }
  struct DurationFlag {
    const char* name;
    std::chrono::milliseconds* out;
  };
  for (DurationFlag f : {DurationFlag{"read-timeout", &o.readTimeout},
                         DurationFlag{"reload-interval", &o.reloadInterval},
                         DurationFlag{"drain-timeout", &o.drainTimeout},
                         DurationFlag{"eval-timeout", &o.evalTimeout},
                         DurationFlag{"report-interval", &o.reportInterval}}) {
    if (auto v = a.get(f.name)) {
      auto d = parseDuration(*v);
      if (!d || (d->count() == 0 && std::string(f.name) != "drain-timeout"))
        return usageError(std::string("--") + f.name + ": expected a duration such as 10s, got \"" +
                          *v + "\"");
      *f.out = *d;
    }
  }
  if (auto v = a.get("audit-interval")) {
    auto d = parseDuration(*v);
    if (!d)
      return usageError("--audit-interval: expected a duration such as 1h or 0, got \"" + *v +
                        "\"");
    o.auditInterval = *d;
  }
  if (auto v = a.get("log-level")) {
    auto level = base::parseLogLevel(*v);
    if (!level) return usageError("--log-level: expected debug, info, warn or error");
    o.logLevel = *level;
  }
  o.kubeApi = a.get("kube-api", "off");
  if (o.kubeApi != "off" && o.kubeApi != "auto" && o.kubeApi.rfind("https://", 0) != 0)
    return usageError("--kube-api: expected auto, off or an https:// URL");
  if (const char* ns = std::getenv("POD_NAMESPACE")) o.selfNamespace = ns;

  return server::Server(std::move(o), server::loadPolicyFiles, backgroundAuditPass).run();
}

}  // namespace billet::cli
