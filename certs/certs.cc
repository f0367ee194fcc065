#include "certs/certs.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

namespace billet::certs {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;
using BioPtr = std::unique_ptr<BIO, Free>;

KeyPtr makeKey(KeyType type) {
  if (type == KeyType::kRsa2048) {
    return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  }
  return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

bool addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool setRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return false;
  bytes[0] &= 0x7f;  // positive
  std::unique_ptr<BIGNUM, Free> bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  return bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

// A certificate for `key`, signed by issuerKey (self-signed when issuer is null).
base::Result<CertPtr> makeCert(EVP_PKEY* key, const std::string& cn, int days, X509* issuer,
                               EVP_PKEY* issuerKey,
                               const std::vector<std::pair<int, std::string>>& exts) {
  base::Result<CertPtr> out;
  CertPtr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || !setRandomSerial(cert.get())) {
    out.error = opensslError("creating certificate");
    return out;
  }
  // Backdate a little for clock skew between the generating host and the cluster.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("billet"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  X509* issuerCert = issuer ? issuer : cert.get();
  for (const auto& [nid, value] : exts) {
    if (!addExtension(cert.get(), issuerCert, nid, value)) {
      out.error = opensslError("adding extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
      return out;
    }
  }
  if (X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256()) == 0) {
    out.error = opensslError("signing certificate");
    return out;
  }
  out.value = std::move(cert);
  return out;
}

struct Ca {
  CertPtr cert;
  KeyPtr key;
};

base::Result<Ca> newCa(const CertRequest& request) {
  base::Result<Ca> out;
  out.value.key = makeKey(request.keyType);
  if (!out.value.key) {
    out.error = opensslError("generating key");
    return out;
  }
  auto cert =
      makeCert(out.value.key.get(), request.commonName + "-ca", request.days, nullptr, nullptr,
               {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                {NID_subject_key_identifier, "hash"}});
  if (!cert.ok()) out.error = cert.error;
  out.value.cert = std::move(cert.value);
  return out;
}

// The CA of request.caCertPem/caKeyPem, checked to be a CA whose key matches its certificate.
base::Result<Ca> loadCa(const CertRequest& request) {
  base::Result<Ca> out;
  BioPtr certBio(
      BIO_new_mem_buf(request.caCertPem.data(), static_cast<int>(request.caCertPem.size())));
  BioPtr keyBio(
      BIO_new_mem_buf(request.caKeyPem.data(), static_cast<int>(request.caKeyPem.size())));
  out.value.cert.reset(certBio ? PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr)
                               : nullptr);
  if (!out.value.cert) {
    out.error = opensslError("the CA certificate is not PEM");
    return out;
  }
  out.value.key.reset(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr)
                             : nullptr);
  if (!out.value.key) {
    out.error = opensslError("the CA key is not a PEM private key");
    return out;
  }
  if (X509_check_ca(out.value.cert.get()) == 0) {
    out.error = "the CA certificate is not a CA (basicConstraints CA:TRUE)";
    return out;
  }
  if (X509_check_private_key(out.value.cert.get(), out.value.key.get()) != 1) {
    out.error = opensslError("the CA key does not belong to the CA certificate");
    return out;
  }
  return out;
}

std::string bioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string certPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bioString(bio.get());
}

std::string keyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bioString(bio.get());
}

bool writeFile(const std::filesystem::path& path, const std::string& data, mode_t mode,
               std::string& error) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      error = "cannot write " + tmp.string() + ": " + std::strerror(errno);
      return false;
    }
    ::chmod(tmp.c_str(), mode);
    f << data;
    if (!f.flush()) {
      error = "cannot write " + tmp.string() + ": " + std::strerror(errno);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot write " + path.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> serviceDnsNames(std::string_view service, std::string_view ns) {
  std::string s(service), n(ns);
  return {s, s + "." + n, s + "." + n + ".svc", s + "." + n + ".svc.cluster.local"};
}

base::Result<GeneratedCerts> generate(const CertRequest& request) {
  base::Result<GeneratedCerts> out;
  if (request.days < 1) {
    out.error = "validity must be at least one day";
    return out;
  }
  if (request.dnsNames.empty() && request.ipAddresses.empty()) {
    out.error = "a serving certificate needs at least one DNS name or IP address";
    return out;
  }
  if (request.caCertPem.empty() != request.caKeyPem.empty()) {
    out.error = "an existing CA needs both its certificate and its key";
    return out;
  }
  KeyPtr key = makeKey(request.keyType);
  if (!key) {
    out.error = opensslError("generating key");
    return out;
  }
  auto ca = request.caCertPem.empty() ? newCa(request) : loadCa(request);
  if (!ca.ok()) {
    out.error = ca.error;
    return out;
  }
  auto& [caCert, caKey] = ca.value;
  std::string san;
  for (const std::string& d : request.dnsNames) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const std::string& ip : request.ipAddresses) san += (san.empty() ? "IP:" : ",IP:") + ip;
  const bool rsa = request.keyType == KeyType::kRsa2048;
  auto leaf = makeCert(
      key.get(), request.dnsNames.empty() ? request.ipAddresses.front() : request.dnsNames.front(),
      request.days, caCert.get(), caKey.get(),
      {{NID_basic_constraints, "critical,CA:FALSE"},
       {NID_key_usage,
        rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"},
       {NID_ext_key_usage, "serverAuth"},
       {NID_subject_key_identifier, "hash"},
       {NID_authority_key_identifier, "keyid:always"},
       {NID_subject_alt_name, san}});
  if (!leaf.ok()) {
    out.error = leaf.error;
    return out;
  }
  out.value.caCert = certPem(caCert.get());
  out.value.caKey = keyPem(caKey.get());
  out.value.cert = certPem(leaf.value.get());
  out.value.key = keyPem(key.get());
  return out;
}

base::Result<std::int64_t> notAfterUnix(std::string_view pem) {
  base::Result<std::int64_t> out;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  CertPtr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    out.error = opensslError("no PEM certificate");
    return out;
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    out.error = opensslError("bad notAfter");
    return out;
  }
  out.value = static_cast<std::int64_t>(timegm(&tm));
  return out;
}

base::Result<bool> writeFiles(const std::string& dir, const GeneratedCerts& made) {
  base::Result<bool> out;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    out.error = "cannot create " + dir + ": " + ec.message();
    return out;
  }
  const std::filesystem::path d(dir);
  if (!writeFile(d / "ca.crt", made.caCert, 0644, out.error) ||
      !writeFile(d / "ca.key", made.caKey, 0600, out.error) ||
      !writeFile(d / "tls.crt", made.cert, 0644, out.error) ||
      !writeFile(d / "tls.key", made.key, 0600, out.error))
    return out;
  out.value = true;
  return out;
}

std::string opensslError(std::string_view what) {
  std::string out(what);
  unsigned long code = ERR_get_error();
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

}  // namespace billet::certs
