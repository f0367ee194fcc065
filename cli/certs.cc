// billet certs generate: a CA and a serving certificate for the webhook Service (SPEC §1).
#include "certs/certs.h"

#include <arpa/inet.h>
#include <openssl/evp.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "base/names.h"
#include "cli/args.h"
#include "cli/commands.h"

namespace billet::cli {

namespace {

const ArgParser& parser() {
  static const ArgParser p(
      "billet certs generate --service S --namespace N --out DIR [--san NAME|IP]... [--days D] "
      "[--rsa] [--force]",
      {
          {"service", 0, true, false, "the webhook Service name", "S"},
          {"namespace", 0, true, false, "the Service's namespace", "N"},
          {"out", 0, true, false, "directory for ca.crt, ca.key, tls.crt, tls.key", "DIR"},
          {"days", 0, true, false, "validity in days of the CA and the certificate (default 365)",
           "D"},
          {"san", 0, true, true,
           "one more subjectAltName, a DNS name or an IP address (a webhook reached by url)",
           "NAME|IP"},
          {"rsa", 0, false, false, "RSA 2048 keys instead of ECDSA P-256", ""},
          {"force", 0, false, false,
           "make a new CA even if DIR already holds one (the caBundle changes)", ""},
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

bool isIpAddress(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// A DNS name for a subjectAltName: labels of [a-z0-9-], optionally a leading "*." wildcard.
bool dnsName(const std::string& s) {
  std::string_view rest = s;
  if (rest.substr(0, 2) == "*.") rest.remove_prefix(2);
  if (rest.empty() || rest.size() > 253) return false;
  while (!rest.empty()) {
    const std::size_t dot = rest.find('.');
    if (!base::isDns1123Label(rest.substr(0, dot))) return false;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
    if (rest.empty()) return false;
  }
  return true;
}

std::optional<std::string> readIfExists(const std::filesystem::path& path, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  std::ifstream f(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (!f.good() && !f.eof()) error = "cannot read " + path.string();
  return data;
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
  if (!base::isDns1123Label(service))
    return usageError("--service: not a DNS-1123 label: \"" + service + "\"");
  if (!base::isDns1123Label(ns))
    return usageError("--namespace: not a DNS-1123 label: \"" + ns + "\"");

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
  for (const std::string& san : parsed->all("san")) {
    if (isIpAddress(san))
      req.ipAddresses.push_back(san);
    else if (dnsName(san))
      req.dnsNames.push_back(san);
    else
      return usageError("--san: not a DNS name or an IP address: \"" + san + "\"");
  }
  // An existing CA in --out is kept: the serving certificate is renewed and the caBundle in the
  // webhook configurations stays valid. Replacing a CA is never silent (--force).
  std::string readError;
  const std::filesystem::path dir(out);
  auto caCert = readIfExists(dir / "ca.crt", readError);
  auto caKey = readIfExists(dir / "ca.key", readError);
  if (!readError.empty()) {
    std::cerr << "billet certs: " << readError << '\n';
    return 2;
  }
  const bool keepCa = caCert && !parsed->has("force");
  if (keepCa && !caKey) {
    std::cerr << "billet certs: " << (dir / "ca.crt").string()
              << " exists without its ca.key: cannot renew from it; --force makes a new CA\n";
    return 2;
  }
  if (keepCa) {
    req.caCertPem = *caCert;
    req.caKeyPem = *caKey;
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
  std::cerr << (keepCa ? "kept the CA in " + out + "/ca.crt; wrote "
                       : "wrote " + out + "/ca.crt, " + out + "/ca.key, ")
            << out << "/tls.crt, " << out << "/tls.key\n"
            << "caBundle (for the webhook configurations):\n";
  std::cout << base64(made.value.caCert) << '\n';
  return 0;
}

}  // namespace billet::cli
