#include "server/tls_context.h"

#include <catch2/catch.hpp>
#include <ctime>

using namespace billet;
using namespace billet::server;

namespace {

certs::GeneratedCerts make(certs::KeyType type) {
  certs::CertRequest req;
  req.dnsNames = {"localhost"};
  req.keyType = type;
  auto made = certs::generate(req);
  REQUIRE(made.ok());
  return made.value;
}

}  // namespace

TEST_CASE("tls context: ECDSA and RSA keys", "[webhook][tls]") {
  for (auto type : {certs::KeyType::kEcdsaP256, certs::KeyType::kRsa2048}) {
    auto c = make(type);
    auto built = makeTlsContext({c.cert, c.key, ""});
    INFO(built.error);
    REQUIRE(built.ok());
    CHECK(built.value.context);
    CHECK(built.value.notAfter > std::time(nullptr) + 300 * 24 * 3600);
  }
}

TEST_CASE("tls context: refuses mismatched keys and garbage", "[webhook][tls]") {
  auto a = make(certs::KeyType::kEcdsaP256);
  auto b = make(certs::KeyType::kEcdsaP256);
  CHECK_FALSE(makeTlsContext({a.cert, b.key, ""}).ok());
  CHECK_FALSE(makeTlsContext({"not a certificate", a.key, ""}).ok());
  CHECK_FALSE(makeTlsContext({a.cert, "not a key", ""}).ok());
  CHECK_FALSE(makeTlsContext({a.cert, a.key, "no CA here"}).ok());
  CHECK(makeTlsContext({a.cert, a.key, b.caCert}).ok());
}

TEST_CASE("tls context store: publish and read", "[webhook][tls]") {
  auto a = make(certs::KeyType::kEcdsaP256);
  TlsContextStore store;
  CHECK_FALSE(store.current());
  auto built = makeTlsContext({a.cert, a.key, ""});
  SslContextPtr kept = built.value.context;
  store.publish(built.value.context);
  CHECK(store.current() == kept);
  auto next = makeTlsContext({a.cert, a.key, ""});
  store.publish(next.value.context);
  CHECK(store.current() != kept);
  CHECK(kept.use_count() >= 1);  // a connection holding the old context keeps it alive
}
