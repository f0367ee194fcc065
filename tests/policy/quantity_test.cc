#include "policy/quantity.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace Catch {
template <>
struct StringMaker<billet::policy::Quantity> {
  static std::string convert(const billet::policy::Quantity& q) { return q.toString(); }
};
}  // namespace Catch

namespace {

using billet::policy::Quantity;

Quantity Q(std::string_view text) {
  auto q = Quantity::parse(text);
  INFO("quantity: \"" << std::string(text) << "\"");
  REQUIRE(q.has_value());
  return *q;
}

bool valid(std::string_view text) {
  return Quantity::parse(text).has_value();
}

}  // namespace

TEST_CASE("the contract's examples", "[quantity]") {
  CHECK(Q("500m") < Q("1"));
  CHECK(compare(Q("500m"), Q("1")) == -1);
  CHECK(Q("1Gi") > Q("1G"));
  CHECK(compare(Q("1Gi"), Q("1G")) == 1);
  CHECK(Q("1e3") == Q("1k"));
  CHECK(compare(Q("1e3"), Q("1k")) == 0);
  CHECK(Q("33G") < Q("32Gi"));
  CHECK(Q("32Gi") < Q("35G"));
  CHECK(Q("2.5") == Q("2500m"));
  CHECK(Q("-1") < Q("0"));
  CHECK(Q("+3k") == Q("3000"));
}

TEST_CASE("decimalSI suffixes", "[quantity]") {
  CHECK(Q("1n").toString() == "0.000000001");
  CHECK(Q("1u").toString() == "0.000001");
  CHECK(Q("1m").toString() == "0.001");
  CHECK(Q("1").toString() == "1");
  CHECK(Q("1k").toString() == "1000");
  CHECK(Q("1M").toString() == "1000000");
  CHECK(Q("1G").toString() == "1000000000");
  CHECK(Q("1T").toString() == "1000000000000");
  CHECK(Q("1P").toString() == "1000000000000000");
  CHECK(Q("1E").toString() == "1000000000000000000");

  CHECK(Q("1000n") == Q("1u"));
  CHECK(Q("1000u") == Q("1m"));
  CHECK(Q("1000m") == Q("1"));
  CHECK(Q("1000") == Q("1k"));
  CHECK(Q("1000k") == Q("1M"));
  CHECK(Q("1000M") == Q("1G"));
  CHECK(Q("1000G") == Q("1T"));
  CHECK(Q("1000T") == Q("1P"));
  CHECK(Q("1000P") == Q("1E"));
  CHECK(Q("999P") < Q("1E"));
  CHECK(Q("1001n") > Q("1u"));
}

TEST_CASE("binarySI suffixes", "[quantity]") {
  CHECK(Q("1Ki").toString() == "1024");
  CHECK(Q("1Mi").toString() == "1048576");
  CHECK(Q("1Gi").toString() == "1073741824");
  CHECK(Q("1Ti").toString() == "1099511627776");
  CHECK(Q("1Pi").toString() == "1125899906842624");
  CHECK(Q("1Ei").toString() == "1152921504606846976");

  CHECK(Q("1024Ki") == Q("1Mi"));
  CHECK(Q("1024Mi") == Q("1Gi"));
  CHECK(Q("1024Gi") == Q("1Ti"));
  CHECK(Q("1024Ti") == Q("1Pi"));
  CHECK(Q("1024Pi") == Q("1Ei"));
  CHECK(Q("1Ki") > Q("1k"));
  CHECK(Q("1Mi") > Q("1M"));
  CHECK(Q("1Ti") > Q("1T"));
  CHECK(Q("1Pi") > Q("1P"));
  CHECK(Q("1Ei") > Q("1E"));
  CHECK(Q("1.5Gi") == Q("1536Mi"));
  CHECK(Q("0.5Ki") == Q("512"));
  CHECK(Q("1Ei") == Q("1152921504606846976"));
  CHECK(Q("1Ei") < Q("1152921504606846977"));
  CHECK(Q("1Ei") > Q("1152921504606846975"));
}

TEST_CASE("signs", "[quantity]") {
  CHECK(Q("-1").sign() == -1);
  CHECK(Q("+1").sign() == 1);
  CHECK(Q("1").sign() == 1);
  CHECK(Q("0").sign() == 0);
  CHECK(Q("-0") == Q("0"));
  CHECK(Q("+0") == Q("0"));
  CHECK(Q("-0.000Gi").isZero());
  CHECK(Q("0e5").isZero());
  CHECK(Q("000").isZero());
  CHECK(Q("+1") == Q("1"));
  CHECK(Q("-1Gi") < Q("-1G"));
  CHECK(Q("-500m") > Q("-1"));
  CHECK(Q("-1m") < Q("1n"));
  CHECK(Q("-1e500") < Q("-1e499"));
  CHECK(Q("-1e500") < Q("-1"));
  CHECK(Q("-1e-500") > Q("-1n"));
  CHECK(Q("-1e-500") < Q("0"));
  CHECK(Q("-1e-500").toString() == "-1e-500");
  CHECK(Q("-2.5").toString() == "-2.5");
  CHECK(Quantity().isZero());
  CHECK(Quantity() == Q("0"));
}

TEST_CASE("fractions", "[quantity]") {
  CHECK(Q(".5") == Q("500m"));
  CHECK(Q("0.5") == Q("500m"));
  CHECK(Q("1.") == Q("1"));
  CHECK(Q("1.G") == Q("1G"));
  CHECK(Q("+.5") == Q("0.5"));
  CHECK(Q("-.5").toString() == "-0.5");
  CHECK(Q("0.1") == Q("100m"));
  CHECK(Q("1.25k") == Q("1250"));
  CHECK(Q("1.5m") == Q("1500u"));
  CHECK(Q("0.001") == Q("1m"));
  CHECK(Q("00012.3400") == Q("12.34"));
  CHECK(Q("12.34").toString() == "12.34");
  CHECK(Q("1.000000000000000000000000000000001") > Q("1"));
  CHECK(Q("0.999999999999999999999999999999999") < Q("1"));
  // Finer than a nano-unit: kept exactly (the API server would round these up to 1n).
  CHECK(Q("0.1n") < Q("1n"));
  CHECK(Q("0.1n") > Q("0"));
  CHECK(Q("1.5n") > Q("1n"));
  CHECK(Q("1.5n") < Q("2n"));
  CHECK(Q("-0.1n") < Q("0"));
  CHECK(Q("1e-10") == Q("0.1n"));
  CHECK(Q("0.1n").toString() == "0.0000000001");
}

TEST_CASE("decimal exponents", "[quantity]") {
  CHECK(Q("1e3") == Q("1000"));
  CHECK(Q("1E3") == Q("1000"));  // E followed by digits is an exponent, "E" alone is exa
  CHECK(Q("1e+3") == Q("1k"));
  CHECK(Q("1E+3") == Q("1k"));
  CHECK(Q("1e-3") == Q("1m"));
  CHECK(Q("1E-9") == Q("1n"));
  CHECK(Q("1e0") == Q("1"));
  CHECK(Q("1e-0") == Q("1"));
  CHECK(Q("1e0003") == Q("1k"));
  CHECK(Q("1.5e3") == Q("1500"));
  CHECK(Q(".5e1") == Q("5"));
  CHECK(Q("-2e2") == Q("-200"));
  CHECK(Q("1E") == Q("1e18"));
  CHECK(Q("1e18") == Q("1000P"));
  CHECK(Q("12e-1") == Q("1.2"));
  CHECK(Q("1e1000").toString() == "1e1000");
  CHECK(Q("1e-1000").toString() == "1e-1000");
  CHECK(Q("1e1000") > Q("1e999"));
  CHECK(Q("1e-1000") < Q("1e-999"));
  CHECK(Q("1e-1000") > Q("0"));
}

TEST_CASE("invalid quantities are rejected", "[quantity]") {
  const char* invalid[] = {"",
                           " ",
                           "1.2.3",
                           "1Kb",
                           "Gi",
                           "1 Gi",
                           " 1",
                           "1 ",
                           "1ki",
                           "1K",
                           "1mi",
                           "1gi",
                           "1i",
                           "1e",
                           "1e+",
                           "1e-",
                           "1ee3",
                           "1e3.5",
                           "1e3k",
                           "1Gi3",
                           "1GiB",
                           "1MiB",
                           "1B",
                           "1b",
                           "1g",
                           "--1",
                           "+-1",
                           "-+1",
                           ".",
                           "+",
                           "-",
                           "+.",
                           "-.",
                           "..5",
                           "1..",
                           "abc",
                           "1,5",
                           "1_000",
                           "0x10",
                           "1E+",
                           "inf",
                           "NaN",
                           "e3",
                           "E3",
                           "1.5.",
                           "Ki",
                           "m",
                           "1mm",
                           "1kk",
                           "1Kii",
                           "1e3e3",
                           "1e 3",
                           "1\t",
                           "\n1",
                           "1e1001",
                           "1e-1001",
                           "1e999999999",
                           "1e99999999999999999999999999",
                           "1E-99999999999",
                           "1Ki1",
                           "1n1",
                           "1m-3",
                           "1e--3",
                           "1e+-3",
                           "1.e",
                           "1.5i",
                           "1μ",
                           "١"};
  for (const char* text : invalid) {
    INFO("text: \"" << text << "\"");
    CHECK_FALSE(valid(text));
  }
  CHECK_FALSE(valid(std::string_view("1\0", 2)));
  CHECK_FALSE(
      valid(std::string_view("\0"
                             "1",
                             2)));
}

TEST_CASE("bounds on digits and exponents", "[quantity]") {
  CHECK(valid("1e1000"));
  CHECK(valid("1e-1000"));
  CHECK(valid("1E+1000"));
  CHECK_FALSE(valid("1e1001"));
  CHECK_FALSE(valid("1e-1001"));

  std::string digits(Quantity::kMaxDigits, '9');
  CHECK(valid(digits));
  CHECK_FALSE(valid(digits + "9"));
  CHECK(valid(digits.substr(1) + ".9"));
  CHECK_FALSE(valid(digits + ".9"));
  CHECK_FALSE(valid("0." + digits));
  CHECK(valid("0." + digits.substr(1)));

  // The largest and smallest magnitudes the bounds allow, compared both ways.
  auto biggest = Q(digits + "e1000");
  auto smallest = Q("0." + std::string(Quantity::kMaxDigits - 2, '0') + "1e-1000");
  CHECK(smallest > Q("0"));
  CHECK(smallest < Q("1e-1000"));
  CHECK(biggest > Q("1e1000"));
  CHECK(biggest > Q(digits + "e999"));
  CHECK_FALSE(valid("1e1000Ei"));  // an exponent and a binary suffix do not combine
  CHECK(biggest > smallest);
  CHECK(compare(smallest, biggest) == -1);
  CHECK(compare(biggest, smallest) == 1);
  CHECK(compare(biggest, biggest) == 0);
}

TEST_CASE("huge values are compared exactly", "[quantity]") {
  CHECK(Q("8Ei") < Q("16Ei"));  // the API server would cap both at 2^63-1
  CHECK(Q("9223372036854775807") < Q("8Ei"));
  CHECK(Q("8Ei") == Q("9223372036854775808"));
  CHECK(Q("18446744073709551616") == Q("16Ei"));
  CHECK(Q("99999999999999999999999999999999999999999") < Q("1e41"));
  CHECK(Q("99999999999999999999999999999999999999999") > Q("9.9e40"));
  CHECK(Q("100000000000000000000000000000000000000000") == Q("1e41"));
  CHECK(Q("1e30") > Q("1000000Ei"));
  CHECK(Q("1e1000") > Q("1000Ei"));
  CHECK(Q("123456789012345678901234567890123456789") <
        Q("123456789012345678901234567890123456790"));
  CHECK(Q("123456789012345678901234567890123456789e5").toString() ==
        "12345678901234567890123456789012345678900000");
  const std::string e31 = "1" + std::string(31, '0');
  CHECK(Q(e31 + "Ki").toString() == "1024e31");
  CHECK(Q("3" + std::string(31, '0') + "Ei").toString() == "3458764513820540928e31");
  CHECK(Q("15" + std::string(30, '0') + "Ki") == Q("1536e31"));
  CHECK(Q(e31 + "Ki") > Q("1e34"));
  CHECK(Q(e31 + "Ki") < Q("1.025e34"));
  CHECK(Q(e31 + "Ki") > Q(e31 + "k"));
}

// Found by fuzz/quantity_fuzz (corpus: regression-to-string-at-bounds.txt): the decimal text of
// a value near the bounds needed more digits or a larger exponent than the parser reads.
TEST_CASE("toString stays within the parser's bounds", "[quantity]") {
  const std::string nines(Quantity::kMaxDigits, '9');
  const std::string zeros(Quantity::kMaxDigits - 2, '0');
  const std::vector<std::string> edges = {nines + "Ei",
                                          "-" + nines + "Ki",
                                          "0." + zeros + "1e-1000",
                                          "1" + zeros + "0e1000",
                                          "." + zeros + "01",
                                          "." + std::string(10, '0') + nines.substr(11),
                                          nines + "e1000",
                                          "." + nines.substr(1) + "e-1000",
                                          "1e-1000",
                                          "123e40"};
  for (const std::string& text : edges) {
    const Quantity q = Q(text);
    INFO("quantity: " << text.substr(0, 40) << "… written " << q.toString().substr(0, 40));
    const auto back = Quantity::parse(q.toString());
    REQUIRE(back.has_value());
    CHECK(compare(*back, q) == 0);
    CHECK(back->toString() == q.toString());
  }
  CHECK(Q("0." + zeros + "1e-1000").toString() == "0." + zeros + "1e-1000");
  CHECK(Q(nines + "Ei").toString() == nines + "Ei");
  CHECK(Q("1e-1000").toString() == "1e-1000");  // unchanged inside the bounds
}

TEST_CASE("the exact fast path and the big-number path agree at their border", "[quantity]") {
  // Values up to about 1.7e29 (1.7e38 nano-units) take the 128-bit path; larger ones do not.
  CHECK(Q("1e29") < Q("2e29"));
  CHECK(Q("1.7e29") < Q("1.8e29"));
  CHECK(Q("1.8e29") > Q("1.7e29"));
  CHECK(Q("170141183460469231731.687303715") < Q("170141183460469231731.687303716"));
  CHECK(Q("170141183460469231731.687303716") < Q("170141183460469231731.6873037160000001"));
  CHECK(Q("170141183460469231731.687303716") == Q("170141183460469231731687303716n"));
  CHECK(Q("170141183460469231731687303716n") == Q("170141183460469231731687303.716u"));
  CHECK(Q("2e29") == Q("200000000000000000000000000000"));
  CHECK(Q("2e29") == Q("200000000000000000000000000000000000000n"));
  CHECK(Q("-2e29") < Q("-1e29"));
  CHECK(Q("-1e29") > Q("-2e29"));
  CHECK(Q("1n") > Q("0.9999999999n"));
  CHECK(Q("1n") == Q("1000e-12"));
}

TEST_CASE("ordering is a total order over mixed representations", "[quantity]") {
  // Groups of equal values, in increasing order.
  const std::vector<std::vector<std::string>> groups = {
      {"-1e1000", "-10e999"},
      {"-2e29", "-200000000000000000000000000000"},
      {"-1Gi", "-1073741824", "-1024Mi"},
      {"-1G", "-1e9", "-1000M"},
      {"-1", "-1000m", "-1e0"},
      {"-0.1n", "-1e-10"},
      {"0", "-0", "0.000", "0Gi", "0e-1000"},
      {"1e-1000"},
      {"0.5n", "500e-12"},
      {"1n", "0.001u", "1e-9"},
      {"100m", "0.1", "1e-1", "100000u"},
      {"500m", ".5", "5e-1"},
      {"1", "1000m", "1e0", "1.", "+1"},
      {"1.000000000000000000000000000000000001"},
      {"2.5", "2500m", "25e-1"},
      {"1k", "1e3", "1000", "1E3"},
      {"1Ki", "1024", "1.024k"},
      {"1G", "1e9", "1000M"},
      {"1Gi", "1024Mi", "1073741824"},
      {"33G", "33e9"},
      {"32Gi", "34359738368"},
      {"35G", "0.035T"},
      {"1E", "1e18"},
      {"1Ei", "1152921504606846976"},
      {"1.5e29", "150000000000000000000000000000"},
      {"2e29", "0.2e30"},
      {"1e41", "100000000000000000000000000000000000000000"},
      {"1e1000", "10e999", "1000e997"},
  };
  std::vector<std::pair<std::size_t, Quantity>> all;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const auto& text : groups[g]) all.emplace_back(g, Q(text));
  }
  for (const auto& [ga, a] : all) {
    for (const auto& [gb, b] : all) {
      int expected = ga < gb ? -1 : (ga > gb ? 1 : 0);
      INFO(a.toString() << " vs " << b.toString());
      CHECK(compare(a, b) == expected);
      CHECK((a == b) == (expected == 0));
      CHECK((a < b) == (expected < 0));
      CHECK((a > b) == (expected > 0));
      CHECK((a <= b) == (expected <= 0));
      CHECK((a >= b) == (expected >= 0));
    }
  }
}

TEST_CASE("toString is exact and parses back", "[quantity]") {
  CHECK(Q("0").toString() == "0");
  CHECK(Q("-0").toString() == "0");
  CHECK(Q("500m").toString() == "0.5");
  CHECK(Q("1500m").toString() == "1.5");
  CHECK(Q("100m").toString() == "0.1");
  CHECK(Q("1.5Gi").toString() == "1610612736");
  CHECK(Q("0.5Ki").toString() == "512");
  CHECK(Q("1.1Ki").toString() == "1126.4");
  CHECK(Q("1e30").toString() == "1000000000000000000000000000000");
  CHECK(Q("1e31").toString() == "1e31");
  CHECK(Q("123e-33").toString() == "0.000000000000000000000000000000123");
  CHECK(Q("123e-34").toString() == "123e-34");
  CHECK(Q("1e-40").toString() == "1e-40");
  CHECK(Q("5" + std::string(100, '0') + "Ki").toString() == "512e101");
  const char* texts[] = {"0",       "1",       "-1",   "500m",   "1.5Gi", "0.1n",  "-7.25u",
                         "1e1000",  "-1e-999", "3Ei",  "2.5e40", "1.1Ki", "1e-40", "123e-35",
                         "7.77e77", "0.5n",    "-5Pi", "9e-9",   "1.5Ei", "1.5e-3"};
  for (const char* text : texts) {
    INFO("text: " << text);
    auto q = Q(text);
    auto back = Quantity::parse(q.toString());
    REQUIRE(back.has_value());
    CHECK(*back == q);
  }
}

TEST_CASE("toDouble approximates", "[quantity]") {
  CHECK(Q("500m").toDouble() == Approx(0.5));
  CHECK(Q("1Gi").toDouble() == Approx(1073741824.0));
  CHECK(Q("-2.5").toDouble() == Approx(-2.5));
  CHECK(Q("1e40").toDouble() == Approx(1e40));
  CHECK(Q("0.1n").toDouble() == Approx(1e-10));
  CHECK(Q("1e1000").toDouble() == std::numeric_limits<double>::infinity());
  CHECK(Q("-1e1000").toDouble() == -std::numeric_limits<double>::infinity());
  CHECK(Q("1e-1000").toDouble() == 0.0);
  CHECK(Q("0").toDouble() == 0.0);
}

TEST_CASE("hostile input stays cheap", "[quantity]") {
  // Parsing a huge exponent stops at the bound instead of evaluating it.
  std::string exponent = "1e" + std::string(100000, '9');
  std::string nines(Quantity::kMaxDigits, '9');
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(valid(exponent));
  CHECK_FALSE(valid(std::string(1000000, '1')));
  // The widest comparison the bounds allow, repeated.
  auto biggest = Q(nines + "e1000");
  auto smallest = Q("0." + nines.substr(1) + "e-1000");
  int less = 0;
  for (int i = 0; i < 200; ++i) less += compare(smallest, biggest) < 0 ? 1 : 0;
  CHECK(less == 200);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(5));  // about a millisecond in practice
}
