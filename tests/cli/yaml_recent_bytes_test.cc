// The window of bytes the YAML reader keeps of what yaml-cpp read (cli/yaml_recent_bytes.h):
// what it hands on, what it still knows, and that it asks its source for no more than the
// source has ready (a parallel List source holds each parsed entry until its placeholder is read).
#include "cli/yaml_recent_bytes.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <istream>
#include <iterator>
#include <string>

using billet::cli::RecentBytes;

namespace {

// Hands over `piece` bytes of `text` per underflow, and says how many it has handed over.
class PieceSource final : public std::streambuf {
 public:
  PieceSource(std::string text, std::size_t piece) : text_(std::move(text)), piece_(piece) {}
  std::size_t handedOver() const { return next_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (next_ >= text_.size()) return traits_type::eof();
    const std::size_t n = std::min(piece_, text_.size() - next_);
    char* p = text_.data() + next_;
    setg(p, p, p + n);
    next_ += n;
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::string text_;
  std::size_t piece_;
  std::size_t next_ = 0;
};

std::string readAll(std::streambuf& from) {
  std::istream in(&from);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Bytes that differ from their neighbours, so that a byte read from the wrong place shows.
std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

}  // namespace

TEST_CASE("recent bytes: a read asks the source for what it has ready, no more") {
  std::string placeholders;
  for (int i = 0; i < 1000; ++i) placeholders += "- ~\n";
  PieceSource source(placeholders, 4);
  RecentBytes recent(&source);
  std::istream in(&recent);
  CHECK(in.get() == '-');
  CHECK(source.handedOver() == 4);
  char rest[7];
  in.read(rest, sizeof rest);
  CHECK(std::string(rest, sizeof rest) == " ~\n- ~\n");
  CHECK(source.handedOver() == 8);
}

TEST_CASE("recent bytes: what passes through is the source's text, and the last 64 KiB are known") {
  const std::string text = pattern(200 * 1024 + 123);
  PieceSource source(text, 1000);
  RecentBytes recent(&source);
  CHECK(readAll(recent) == text);
  const std::size_t window = 64 * 1024;
  std::size_t wrong = 0;
  for (std::size_t pos = text.size() - window; pos < text.size(); ++pos)
    if (recent.at(pos) != static_cast<unsigned char>(text[pos])) ++wrong;
  CHECK(wrong == 0);
  CHECK(recent.at(text.size() - window - 1) == -1);
  CHECK(recent.at(0) == -1);
  CHECK(recent.at(text.size()) == -1);
}

TEST_CASE(
    "recent bytes: positions count after a byte order mark, even one handed over a byte at "
    "a time") {
  PieceSource source(
      "\xEF\xBB\xBF"
      "ab\tc\\d",
      1);
  RecentBytes recent(&source);
  CHECK(readAll(recent) ==
        "\xEF\xBB\xBF"
        "ab\tc\\d");
  CHECK(recent.at(0) == 'a');
  CHECK(recent.at(2) == '\t');
  CHECK(recent.firstTab() == 2);
  CHECK(recent.lastBackslash() == 4);
  CHECK(recent.at(6) == -1);
}
