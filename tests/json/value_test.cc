#include "json/value.h"

#include <catch2/catch.hpp>
#include <string>

using billet::json::Member;
using billet::json::Object;
using billet::json::Value;

namespace {

// An object with keys k0..k(n-1), listed forwards or backwards.
Value object(std::size_t n, bool reversed, std::size_t changed = SIZE_MAX) {
  Object o;
  for (std::size_t j = 0; j < n; ++j) {
    std::size_t i = reversed ? n - 1 - j : j;
    o.push_back(Member{"k" + std::to_string(i), Value::string(i == changed ? "x" : "v")});
  }
  return Value::object(std::move(o));
}

}  // namespace

TEST_CASE("objects compare as sets of members, small and large") {
  for (std::size_t n : {3, 16, 17, 50000}) {
    INFO(n);
    CHECK(object(n, false) == object(n, true));
    CHECK_FALSE(object(n, false) == object(n, true, n / 2));
    CHECK_FALSE(object(n, false) == object(n + 1, true));
  }
}
