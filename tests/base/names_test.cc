// The Kubernetes name rules (base/names.h).
#include "base/names.h"

#include <catch2/catch.hpp>
#include <string>

using billet::base::isDns1123Label;
using billet::base::isDns1123Subdomain;

TEST_CASE("DNS-1123 labels: namespace and Service names") {
  for (const char* ok : {"a", "ml-prod", "0team", "a1-b2"}) CHECK(isDns1123Label(ok));
  for (const char* bad : {"", "Bad_NS", "ML", "-a", "a-", "a.b", "a b", "ä"})
    CHECK_FALSE(isDns1123Label(bad));
  CHECK(isDns1123Label(std::string(63, 'a')));
  CHECK_FALSE(isDns1123Label(std::string(64, 'a')));
}

TEST_CASE("DNS-1123 subdomains: object names") {
  for (const char* ok : {"a", "gpu-workloads", "billet.dev", "x-pdb.v1"})
    CHECK(isDns1123Subdomain(ok));
  for (const char* bad : {"", ".a", "a.", "A.b", "a_b", "a/b", "a..b", "a.-b", "a-.b"})
    CHECK_FALSE(isDns1123Subdomain(bad));
  CHECK(isDns1123Subdomain(std::string(253, 'a')));
  CHECK(isDns1123Subdomain(std::string(100, 'a') + "." + std::string(100, 'b')));
  CHECK_FALSE(isDns1123Subdomain(std::string(254, 'a')));
}
