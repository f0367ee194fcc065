// billet certs generate: a CA and a serving certificate for the webhook Service (SPEC §1).
#include "certs/certs.h"

#include <openssl/evp.h>

#include <charconv>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"

namespace billet::cli {

namespace {

const ArgParser& parser() {
  static const ArgParser p(
      "billet certs generate --service S --namespace N --out DIR [--days D] [--rsa]",
      {
          {"service", 0, true, false, "the webhook Service name", "S"},
          {"namespace", 0, true, false, "the Service's namespace", "N"},
          {"out", 0, true, false, "directory for ca.crt, tls.crt, tls.key", "DIR"},
          {"days", 0, true, false, "validity in days of the CA and the certificate (default 365)",
           "D"},
          {"rsa", 0, false, false, "RSA 2048 keys instead of ECDSA P-256", ""},
      });
  return p;
}

int usageError(const std::string& message) {
  std::cerr << "billet certs: " << message << "\n\n" << parser().help();
  return 2;
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// DNS-1123 label: what a Service or namespace name must be.
bool dnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

}  // namespace

int certs(const Args& args) {
  if (args.empty() || (args[0] != "generate" && args[0] != "--help" && args[0] != "-h"))
    return usageError(args.empty() ? "missing subcommand (generate)"
                                   : "unknown subcommand \"" + args[0] + "\"");
  std::string error;
  bool help = false;
  auto parsed =
      parser().parse(Args(args.begin() + (args[0] == "generate" ? 1 : 0), args.end()), error, help);
  if (help) {
    std::cout << parser().help();
    return 0;
  }
  if (!parsed) return usageError(error);
  if (!parsed->positionals().empty())
    return usageError("unexpected argument \"" + parsed->positionals()[0] + "\"");
  const std::string service = parsed->get("service", "");
  const std::string ns = parsed->get("namespace", "");
  const std::string out = parsed->get("out", "");
  if (service.empty() || ns.empty() || out.empty())
    return usageError("--service, --namespace and --out are required");
  if (!dnsLabel(service)) return usageError("--service: not a DNS-1123 label: \"" + service + "\"");
  if (!dnsLabel(ns)) return usageError("--namespace: not a DNS-1123 label: \"" + ns + "\"");

  billet::certs::CertRequest req;
  req.commonName = service + "." + ns + ".svc";
  req.dnsNames = billet::certs::serviceDnsNames(service, ns);
  req.keyType =
      parsed->has("rsa") ? billet::certs::KeyType::kRsa2048 : billet::certs::KeyType::kEcdsaP256;
  if (auto d = parsed->get("days")) {
    auto [end, ec] = std::from_chars(d->data(), d->data() + d->size(), req.days);
    if (ec != std::errc() || end != d->data() + d->size() || req.days < 1 || req.days > 36500)
      return usageError("--days: expected 1..36500, got \"" + *d + "\"");
  }
  auto made = billet::certs::generate(req);
  if (!made.ok()) {
    std::cerr << "billet certs: " << made.error << '\n';
    return 2;
  }
  auto written = billet::certs::writeFiles(out, made.value);
  if (!written.ok()) {
    std::cerr << "billet certs: " << written.error << '\n';
    return 2;
  }
  std::cerr << "wrote " << out << "/ca.crt, " << out << "/tls.crt, " << out << "/tls.key\n"
            << "caBundle (for the webhook configurations):\n";
  std::cout << base64(made.value.caCert) << '\n';
  return 0;
}

}  // namespace billet::cli
