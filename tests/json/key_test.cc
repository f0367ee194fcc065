// json::Text (json::Key for member names): names, strings and numbers owned inline or on the
// heap, or read in place from a Document's text; a copy always owns, a move keeps what it moves.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <utility>

#include "json/document.h"
#include "json/parse.h"
#include "json/text.h"
#include "json/value.h"
#include "json/write.h"

using billet::json::Document;
using billet::json::Key;
using billet::json::Member;
using billet::json::Object;
using billet::json::Value;

TEST_CASE("a key owns short and long names, and compares by content") {
  const std::string longName(64, 'x');
  for (const std::string& name :
       {std::string(), std::string("app"), std::string(19, 'n'), std::string(20, 'n'), longName}) {
    Key k(name);
    CHECK(k.view() == name);
    CHECK(k.size() == name.size());
    CHECK_FALSE(k.isBorrowed());
    Key copy(k);
    CHECK(copy == k);
    CHECK(copy.data() != k.data());  // a copy of its own
    Key moved(std::move(copy));
    CHECK(moved == name);
    CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from key is empty
  }
  CHECK(Key("a") < Key("b"));
  CHECK(Key("ab") == std::string("ab"));
  CHECK(Key("ab") == "ab");
  CHECK(Key("ab") != std::string_view("abc"));
}

TEST_CASE("a key assigned part of itself keeps the right bytes") {
  Key inlined("metadata.labels");
  inlined.assign(inlined.data() + 9, 6);
  CHECK(inlined == "labels");
  Key heap(std::string(30, 'a') + "tail");
  heap.assign(heap.data() + 30, 4);
  CHECK(heap == "tail");
  heap = "renamed";
  CHECK(heap == "renamed");
}

TEST_CASE("a borrowed key reads its bytes in place, copies own them, moves keep them") {
  std::string text = "spec";
  Key borrowed = Key::borrowed(text);
  CHECK(borrowed.isBorrowed());
  CHECK(borrowed.data() == text.data());
  Key moved(std::move(borrowed));
  CHECK(moved.isBorrowed());
  CHECK(moved.data() == text.data());
  Key copy(moved);
  CHECK_FALSE(copy.isBorrowed());
  text[0] = 'S';
  CHECK(moved == "Spec");  // still reading the text
  CHECK(copy == "spec");   // its own bytes
}

TEST_CASE("a Document's member names are read from its text, what is copied out owns them") {
  const std::string longName = "an-annotation-name-longer-than-nineteen-bytes";
  auto document = std::make_unique<Document>();
  const std::string text =
      R"({"metadata":{"name":"x",")" + longName + R"(":"v","labels":{"app":"a"}}})";
  auto parsed = billet::json::parseDeferred(text, *document);
  REQUIRE(parsed.ok());
  const Value* metadata = parsed.value.find("metadata");
  REQUIRE(metadata);
  for (const Member& m : metadata->asObject()) CHECK(m.key.isBorrowed());

  Value copy = *metadata;  // a full copy, as everything taken out of a Document is
  for (const Member& m : copy.asObject()) CHECK_FALSE(m.key.isBorrowed());
  parsed.value = Value();
  document.reset();  // the text is gone: under ASan a borrowed name would be a use after free
  CHECK(billet::json::write(copy) ==
        R"({"name":"x",")" + longName + R"(":"v","labels":{"app":"a"}})");
}

TEST_CASE("a Document's strings and numbers are read from its text, what is copied out owns them") {
  const std::string longValue = "registry.example.com/team/trainer:2026-12-07-with-a-long-tag";
  const std::string escaped = R"(a\"quoted\" value)";  // decoded into the Document's own buffer
  auto document = std::make_unique<Document>();
  const std::string text =
      R"({"image":")" + longValue + R"(","replicas":12,"short":"v","note":")" + escaped + R"("})";
  auto parsed = billet::json::parseDeferred(text, *document);
  REQUIRE(parsed.ok());
  for (const char* key : {"image", "short", "note"}) {
    const billet::json::Text* s = parsed.value.find(key)->ifString();
    REQUIRE(s);
    CHECK(s->isBorrowed());
  }
  const billet::json::Text* replicas = parsed.value.find("replicas")->ifNumberText();
  REQUIRE(replicas);
  CHECK(replicas->isBorrowed());
  CHECK(*replicas == "12");
  CHECK(parsed.value.find("note")->asString() == R"(a"quoted" value)");

  Value copy = parsed.value;  // a full copy, as everything taken out of a Document is
  Value image = *parsed.value.find("image");
  for (const Member& m : copy.asObject()) {
    const billet::json::Text* t = m.value.isString() ? m.value.ifString() : m.value.ifNumberText();
    REQUIRE(t);
    CHECK_FALSE(t->isBorrowed());
  }
  parsed.value = Value();
  document.reset();  // the text is gone: under ASan a borrowed value would be a use after free
  CHECK(image.asString() == longValue);
  CHECK(billet::json::write(copy) == R"({"image":")" + longValue +
                                         R"(","replicas":12,"short":"v","note":")" + escaped +
                                         R"("})");
}

TEST_CASE("json::parse owns its names: the text may go") {
  auto text = std::make_unique<std::string>(R"({"kind":"Pod","spec":{"nodeName":"n"}})");
  auto parsed = billet::json::parse(*text);
  REQUIRE(parsed.ok());
  text.reset();
  for (const Member& m : parsed.value.asObject()) CHECK_FALSE(m.key.isBorrowed());
  CHECK_FALSE(parsed.value.find("kind")->ifString()->isBorrowed());
  CHECK(billet::json::write(parsed.value) == R"({"kind":"Pod","spec":{"nodeName":"n"}})");
}

TEST_CASE("a lazy copy's changed level reads names from its original, a copy of it owns them") {
  Value original = billet::json::parse(R"({"spec":{"replicas":1,"paused":false}})").value;
  Value work = Value::lazyCopyOf(original);
  work["spec"].set("replicas", Value::number(3));
  const Object& spec = work.find("spec")->asObject();
  CHECK(spec[0].key.isBorrowed());
  Value owned = work;  // a full copy depends on nothing
  const Object& ownedSpec = owned.find("spec")->asObject();
  for (const Member& m : ownedSpec) CHECK_FALSE(m.key.isBorrowed());
  work = Value();
  original = Value();
  CHECK(billet::json::write(owned) == R"({"spec":{"replicas":3,"paused":false}})");
}
