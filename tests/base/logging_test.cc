// Structured log lines (base/logging.h): one JSON object per line, text fields bounded.
#include "base/logging.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "json/parse.h"

using billet::base::Logger;
using billet::base::LogLevel;

namespace {

// What a Logger writing to a temporary file wrote.
std::string written(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  return out;
}

billet::json::Value parseLine(const std::string& line) {
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1);  // one line
  auto parsed = billet::json::parse(line);
  REQUIRE(parsed.ok());
  return parsed.value;
}

}  // namespace

TEST_CASE("logging: a 4 MB field is cut to the bound and marked with its size") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  Logger log(LogLevel::kInfo, f);
  const std::string name(4 * 1024 * 1024, 'x');
  const std::string message = "container \"" + name + "\" has no limits";  // 4,194,330 bytes
  log.info("admission denied", {{"message", message}, {"policy", "p"}, {"n", 7}});
  const std::string line = written(f);
  std::fclose(f);
  CHECK(line.size() < 2 * 1024);
  billet::json::Value v = parseLine(line);
  CHECK(v.find("message")->asString() ==
        "container \"" + std::string(1024 - 11, 'x') + "\xe2\x80\xa6(4194330 bytes)");
  // Short fields, numbers and the message stay as they are.
  CHECK(v.find("policy")->asString() == "p");
  CHECK(v.find("n")->scalarText() == "7");
  CHECK(v.find("msg")->asString() == "admission denied");
}

TEST_CASE("logging: a field at the bound is whole, a cut never splits a UTF-8 character") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  Logger log(LogLevel::kInfo, f, 8);
  log.info(
      "m",
      {{"exact", "12345678"}, {"accents", "1234567\xc3\xa9z"}, {"quote", "\"\"\"\"\"\"\"\"\""}});
  billet::json::Value v = parseLine(written(f));
  std::fclose(f);
  CHECK(v.find("exact")->asString() == "12345678");
  // "é" would straddle byte 8: the cut is before it.
  CHECK(v.find("accents")->asString() == "1234567\xe2\x80\xa6(10 bytes)");
  // The bound counts the value's bytes, not their escapes.
  CHECK(v.find("quote")->asString() == "\"\"\"\"\"\"\"\"\xe2\x80\xa6(9 bytes)");
}
