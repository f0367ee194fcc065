#include "json/value.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "json/parse.h"
#include "json/same_key.h"

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

// Objects past a few dozen members answer find() from a key index: it must give exactly what a
// scan gives, whichever way the object was built or changed.
TEST_CASE("value: lookups in a large object agree with its members as they change") {
  const auto scan = [](const Value& v, const std::string& key) -> const Value* {
    for (const Member& m : v.asObject())
      if (m.key == key) return &m.value;
    return nullptr;
  };
  const auto agrees = [&](Value& v, std::size_t upTo) {
    const Value& c = v;
    for (std::size_t i = 0; i < upTo; ++i) {
      const std::string key = "team-" + std::to_string(i);
      INFO(key);
      REQUIRE(c.find(key) == scan(v, key));
      REQUIRE(v.find(key) == scan(v, key));
    }
  };

  Value labels = Value::object();
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::string key = "team-" + std::to_string(i);
    REQUIRE(labels.find(key) == nullptr);
    labels.set(key, Value::string("t" + std::to_string(i)));
    REQUIRE(labels.find(key) != nullptr);
  }
  REQUIRE(labels.size() == 1000);
  agrees(labels, 1100);  // keys past 999 are absent
  CHECK(labels.find("team-500")->asString() == "t500");

  labels.set("team-7", Value::string("again"));  // replaced in place, no second member
  CHECK(labels.size() == 1000);
  CHECK(labels.find("team-7")->asString() == "again");

  // A copy has its own index: changing one does not change what the other finds.
  Value copy = labels;
  CHECK(copy.erase("team-10"));
  CHECK(copy.find("team-10") == nullptr);
  CHECK(labels.find("team-10") != nullptr);
  agrees(copy, 1000);

  // Members changed directly (a key renamed, members reordered) are found where they are now.
  labels.asObject()[3].key = "renamed";
  std::swap(labels.asObject()[0], labels.asObject()[999]);
  CHECK(labels.find("team-3") == nullptr);
  CHECK(labels.find("renamed") == &labels.asObject()[3].value);
  agrees(labels, 1000);

  // Replacing the object by another value, and back, leaves no stale lookups.
  labels = Value::string("x");
  CHECK(labels.find("team-1") == nullptr);
  labels["team-1"] = Value::number(1);
  CHECK(labels.size() == 1);
  CHECK(labels.find("team-1")->asNumberText() == "1");
}

TEST_CASE("value: a moved large object keeps answering lookups") {
  Value a = Value::object();
  for (int i = 0; i < 100; ++i) a.set("k" + std::to_string(i), Value::number(i));
  REQUIRE(a.find("k42") != nullptr);
  Value b = std::move(a);
  REQUIRE(b.find("k42") != nullptr);
  CHECK(b.find("k42")->asNumberText() == "42");
  CHECK(b.find("k100") == nullptr);
}

TEST_CASE("value: set() moves a new member's value in whole: a borrowed value, an indexed one") {
  const Value original = billet::json::parse(R"({"a":{"b":1}})").value;
  Value holder = Value::object();
  Value lazy = Value::lazyCopyOf(*original.find("a"));
  holder.set("x", std::move(lazy));
  const Value& read = holder;
  REQUIRE(read.find("x") != nullptr);
  CHECK(read.find("x")->find("b")->asNumberText() == "1");
  CHECK(read.find("x")->readsAs(*original.find("a")));  // still borrowed, nothing copied
  CHECK(read.find("x")->replaced());
  CHECK(lazy.isNull());  // NOLINT: moved-from, as after the move constructor

  Value big = Value::object();
  for (int i = 0; i < 100; ++i) big.set("k" + std::to_string(i), Value::number(i));
  holder.set("big", std::move(big));
  CHECK(read.find("big")->find("k42")->asNumberText() == "42");
  CHECK(read.find("big")->find("k100") == nullptr);
  // Replacing an existing member's value keeps one member.
  holder.set("x", Value::string("y"));
  CHECK(read.size() == 2);
  CHECK(read.find("x")->asString() == "y");
}

TEST_CASE("value: a large object assigned from inside its own parent keeps its lookups") {
  Value doc = Value::object();
  Value& inner = doc["inner"];
  for (int i = 0; i < 100; ++i) inner.set("k" + std::to_string(i), Value::number(i));
  REQUIRE(inner.find("k5") != nullptr);  // indexed
  const Value& view = doc;
  doc = *view.find("inner");  // the source lives in the value being replaced
  REQUIRE(doc.size() == 100);
  CHECK(doc.find("k5")->asNumberText() == "5");
  CHECK(view.find("k99")->asNumberText() == "99");
  CHECK(doc.find("inner") == nullptr);
}

TEST_CASE("value: a large object moved from inside its own parent keeps its lookups") {
  Value doc = Value::object();
  Value& inner = doc["inner"];
  for (int i = 0; i < 100; ++i) inner.set("k" + std::to_string(i), Value::number(i));
  REQUIRE(inner.find("k5") != nullptr);  // indexed
  doc = std::move(inner);                // the source is destroyed by the assignment
  REQUIRE(doc.size() == 100);
  CHECK(doc.find("k5")->asNumberText() == "5");
  CHECK(doc.find("inner") == nullptr);
}

TEST_CASE("value: a member of another type moved or copied over its own parent") {
  const std::string text(100, 'x');  // longer than the small-string buffer: held on the heap
  SECTION("a string moved out of its object") {
    Value doc = Value::object();
    doc["name"] = Value::string(text);
    doc = std::move(doc["name"]);
    REQUIRE(doc.isString());
    CHECK(doc.asString() == text);
  }
  SECTION("an array moved out of its array") {
    Value doc = Value::array();
    doc.push(Value::array()).push(Value::string(text));
    doc.push(Value::number(1));
    doc = std::move(doc.asArray()[0]);
    REQUIRE(doc.size() == 1);
    CHECK(doc.asArray()[0].asString() == text);
  }
  SECTION("a string copied out of its object") {
    Value doc = Value::object();
    doc["name"] = Value::string(text);
    const Value& view = doc;
    doc = *view.find("name");
    REQUIRE(doc.isString());
    CHECK(doc.asString() == text);
  }
}

TEST_CASE("value: touched marks what was reached for change, and the values above it") {
  Value doc = Value::object();
  doc["spec"]["containers"].push(Value::object());
  doc["spec"]["replicas"] = Value::number(2);
  doc["metadata"]["name"] = Value::string("web");
  CHECK(doc.touched());  // a fresh value is marked

  Value copy = doc;
  CHECK(copy.find("spec")->touched());  // and so is a copy
  billet::json::markUntouched(copy);
  const Value& read = copy;
  CHECK_FALSE(read.touched());
  CHECK_FALSE(read.find("spec")->find("containers")->asArray()[0].touched());

  // Const reads change nothing.
  CHECK(read.find("spec")->find("replicas")->asNumberText() == "2");
  CHECK(read.size() == 2);
  CHECK(read == doc);
  CHECK_FALSE(read.touched());

  // A change deep inside marks the path to it, and nothing beside it.
  copy.find("spec")->find("containers")->asArray()[0].set("name", Value::string("main"));
  CHECK(read.touched());
  CHECK(read.find("spec")->touched());
  CHECK(read.find("spec")->find("containers")->touched());
  CHECK(read.find("spec")->find("containers")->asArray()[0].touched());
  CHECK_FALSE(read.find("spec")->find("replicas")->touched());
  CHECK_FALSE(read.find("metadata")->touched());
  CHECK_FALSE(read.find("spec")->replaced());  // reached, not put there

  // A value put in place whole is replaced: an element shifted by an insert keeps its
  // children's marks, which no longer describe this place.
  Value& containers = *copy.find("spec")->find("containers");
  containers.asArray()[0].set("name", Value::string("main"));
  billet::json::markUntouched(copy);
  containers.asArray().insert(containers.asArray().begin(), Value::object());
  const Value& shifted = read.find("spec")->find("containers")->asArray()[1];
  CHECK(shifted.replaced());
  CHECK_FALSE(shifted.find("name")->touched());

  // Members moved within their object keep their marks: an object is compared by key. Adding
  // members (the object grows) and erasing one (the later ones shift) leave the others alone.
  billet::json::markUntouched(copy);
  Value* spec = copy.find("spec");
  for (int i = 0; i < 10; ++i) spec->set("added" + std::to_string(i), Value::number(i));
  spec->erase("containers");
  CHECK_FALSE(read.find("spec")->find("replicas")->touched());
  CHECK_FALSE(read.find("spec")->find("replicas")->replaced());
  CHECK(read.find("spec")->find("added0")->replaced());

  // Each non-const accessor marks.
  auto marks = [&](auto&& change) {
    Value v = doc;
    billet::json::markUntouched(v);
    change(v);
    return v.touched();
  };
  CHECK(marks([](Value& v) { v["x"]; }));
  CHECK(marks([](Value& v) { v.find("spec"); }));
  CHECK(marks([](Value& v) { v.set("x", Value()); }));
  CHECK(marks([](Value& v) { v.erase("spec"); }));
  CHECK(marks([](Value& v) { v.asObject(); }));
  CHECK(marks([](Value& v) { v.ifObject(); }));
  CHECK(marks([](Value& v) { v = Value::string("x"); }));
  CHECK(marks([](Value& v) { Value taken = std::move(v); }));  // a moved-from value is marked
  Value list = Value::array();
  list.push(Value::string("a"));
  billet::json::markUntouched(list);
  list.asArray()[0] = Value::string("ab");  // a string changes by assignment
  CHECK(list.asArray()[0].touched());
  billet::json::markUntouched(list);
  CHECK(list.ifArray() != nullptr);
  CHECK(list.touched());
}

TEST_CASE("value: a lazy copy reads as its original and copies only what is changed") {
  const Value original =
      billet::json::parse(
          R"({"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":2,)"
          R"("template":{"spec":{"containers":[{"name":"a","image":"x"}],"nodeSelector":{}}}}})")
          .value;
  Value copy = Value::lazyCopyOf(original);
  billet::json::markUntouched(copy);
  const Value& read = copy;

  // Reads go to the original: the very same values, nothing copied, nothing marked.
  CHECK(read == original);
  CHECK(read.find("spec") == original.find("spec"));
  CHECK(read.find("spec")->find("replicas")->asNumberText() == "2");
  CHECK(read.size() == 2);
  CHECK(read.type() == billet::json::Type::kObject);
  CHECK_FALSE(read.touched());

  // A change copies the objects on the way to it; what is beside them still reads the original.
  copy["spec"]["template"]["spec"]["nodeSelector"]["gpu"] = Value::string("true");
  CHECK(read.find("spec") != original.find("spec"));
  CHECK(read.touched());
  CHECK(read.find("spec")->touched());
  CHECK_FALSE(read.find("spec")->replaced());
  CHECK_FALSE(read.find("metadata")->touched());
  CHECK(&read.find("metadata")->asObject() == &original.find("metadata")->asObject());
  CHECK(
      read.find("spec")->find("template")->find("spec")->find("containers")->asArray().data() ==
      original.find("spec")->find("template")->find("spec")->find("containers")->asArray().data());
  CHECK_FALSE(
      original.find("spec")->find("template")->find("spec")->find("nodeSelector")->find("gpu"));
  CHECK(read.find("spec")
            ->find("template")
            ->find("spec")
            ->find("nodeSelector")
            ->find("gpu")
            ->asString() == "true");
  CHECK_FALSE(read == original);

  // Each non-const accessor copies the value it acts on first.
  copy.find("metadata")->find("labels")->erase("app");
  CHECK(original.find("metadata")->find("labels")->find("app"));
  copy["metadata"]["name"] = Value::string(std::string(copy["metadata"]["name"].asString()) + "-2");
  CHECK(original.find("metadata")->find("name")->asString() == "web");
  CHECK(read.find("metadata")->find("name")->asString() == "web-2");
  Value& containers = *copy.find("spec")->find("template")->find("spec")->find("containers");
  containers.push(Value::object());
  containers.asArray()[0].set("image", Value::string("y"));
  CHECK(original.find("spec")->find("template")->find("spec")->find("containers")->size() == 1);
  CHECK(read.find("spec")->find("template")->find("spec")->find("containers")->size() == 2);

  // A copy of a lazy copy owns everything: it outlives the original.
  Value owned;
  {
    const Value temporary = original;
    Value lazy = Value::lazyCopyOf(temporary);
    lazy["spec"]["replicas"] = Value::number(5);
    owned = lazy;
    Value constructed(lazy);
    CHECK(constructed == lazy);
  }
  CHECK(owned.find("spec")->find("replicas")->asNumberText() == "5");
  CHECK(owned.find("metadata")->find("labels")->find("app")->asString() == "web");

  // Moving keeps reading the original; a lazy copy of a lazy copy reads the first original.
  Value moved = std::move(copy);
  CHECK(moved.find("metadata")->find("name")->asString() == "web-2");
  const Value second = Value::lazyCopyOf(moved);
  const Value& movedRead = moved;
  CHECK(second == moved);
  CHECK(second.find("spec")->find("template")->find("spec")->find("containers") ==
        movedRead.find("spec")->find("template")->find("spec")->find("containers"));
  CHECK(second.find("spec")->find("replicas")->readsAs(*original.find("spec")->find("replicas")));
}

TEST_CASE("value: a lazy copy of a large object keeps its key index") {
  Object members;
  for (int i = 0; i < 100; ++i)
    members.push_back(Member{"k" + std::to_string(i), Value::number(i)});
  Value big = Value::object(std::move(members));
  Value root = Value::object();
  root.set("big", big);
  Value copy = Value::lazyCopyOf(root);
  copy["big"]["k99"] = Value::number(-1);
  copy["big"]["k100"] = Value::number(100);
  const Value& read = copy;
  CHECK(read.find("big")->find("k99")->asNumberText() == "-1");
  CHECK(read.find("big")->find("k100")->asNumberText() == "100");
  CHECK(read.find("big")->find("k42")->asNumberText() == "42");
  CHECK(root.find("big")->find("k99")->asNumberText() == "99");
  CHECK_FALSE(root.find("big")->find("k100"));
}

TEST_CASE("value: a copy sharing originals copies what was changed, and is a snapshot") {
  const Value original =
      billet::json::parse(
          R"({"metadata":{"name":"web"},"spec":{"replicas":2,"containers":[{"name":"a"}]}})")
          .value;
  Value work = Value::lazyCopyOf(original);
  work["metadata"]["name"] = Value::string("web-1");
  const Value snapshot = Value::copySharingOriginals(work);
  CHECK(snapshot == work);
  // The parts still read from the original are shared, the changed ones copied.
  CHECK(snapshot.find("spec")->readsAs(*original.find("spec")));
  CHECK_FALSE(snapshot.find("metadata")->readsAs(*work.find("metadata")));
  CHECK(snapshot.replaced());
  // Later changes to the working copy do not reach the snapshot.
  work["metadata"]["name"] = Value::string("web-2");
  work["spec"]["containers"].push(Value::object());
  work["spec"]["replicas"] = Value::number(3);
  CHECK(snapshot.find("metadata")->find("name")->asString() == "web-1");
  CHECK(snapshot.find("spec")->find("containers")->size() == 1);
  CHECK(snapshot.find("spec")->find("replicas")->asNumberText() == "2");
  // Nor do changes to the snapshot reach the working copy or the original.
  Value changed = Value::copySharingOriginals(snapshot);
  changed["spec"]["replicas"] = Value::number(7);
  CHECK(snapshot.find("spec")->find("replicas")->asNumberText() == "2");
  CHECK(original.find("spec")->find("replicas")->asNumberText() == "2");
  CHECK(work.find("spec")->find("replicas")->asNumberText() == "3");
}

// json/same_key.h compares keys as overlapping words: against memcmp, for every length up to 40
// and a difference at every position (and none), with the keys placed at every alignment.
TEST_CASE("sameKey agrees with memcmp for every length, difference position and alignment") {
  using billet::json::detail::sameKey;
  std::string a(64, 'k'), b(64, 'k');
  std::size_t compared = 0;
  for (std::size_t n = 0; n <= 40; ++n) {
    for (std::size_t shift = 0; shift < 8; ++shift) {
      for (std::size_t d = 0; d <= n; ++d) {  // d == n: no difference
        for (std::size_t i = 0; i < n; ++i)
          a[shift + i] = b[shift + i] = static_cast<char>('a' + i % 26);
        if (d < n) b[shift + d] = static_cast<char>(b[shift + d] ^ 0x20);
        const std::string_view x(a.data() + shift, n), y(b.data() + shift, n);
        REQUIRE(sameKey(x, y) == (std::memcmp(x.data(), y.data(), n) == 0));
        REQUIRE(sameKey(x, y) == (d == n));
        ++compared;
      }
    }
  }
  // Different lengths never match, even when one is a prefix of the other.
  CHECK_FALSE(sameKey("metadata", "metadat"));
  CHECK_FALSE(sameKey("", "a"));
  CHECK(compared == 8 * (41 * 42 / 2));
}
