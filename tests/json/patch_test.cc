#include "json/patch.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "json/parse.h"
#include "json/write.h"

using billet::json::apply;
using billet::json::diff;
using billet::json::parse;
using billet::json::Value;
using billet::json::write;

namespace {

Value json(std::string_view text) {
  auto r = parse(text);
  INFO("json: " << text);
  REQUIRE(r.error == "");
  return r.value;
}

// diff(from, to) must be exactly `expected`, and applying it to `from` must give `to`.
void checkDiff(std::string_view from, std::string_view to, std::string_view expected) {
  INFO("from: " << from << "\nto:   " << to);
  const Value a = json(from);
  const Value b = json(to);
  const Value patch = diff(a, b);
  CHECK(write(patch) == expected);
  Value doc = a;
  REQUIRE(apply(doc, patch) == "");
  CHECK(doc == b);
}

// Applies `patch` to `doc` and returns the error ("" on success) and the result.
std::string applyText(std::string_view doc, std::string_view patch, Value* result = nullptr) {
  Value d = json(doc);
  const std::string err = apply(d, json(patch));
  if (result) *result = d;
  return err;
}

void checkApply(std::string_view doc, std::string_view patch, std::string_view expected) {
  INFO("doc: " << doc << "\npatch: " << patch);
  Value result;
  REQUIRE(applyText(doc, patch, &result) == "");
  CHECK(result == json(expected));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// diff

TEST_CASE("diff: equal documents give an empty patch") {
  checkDiff("{}", "{}", "[]");
  checkDiff(R"({"a":[1,{"b":null}],"c":"d"})", R"({"a":[1,{"b":null}],"c":"d"})", "[]");
  checkDiff("null", "null", "[]");
  // Member order does not make documents different.
  checkDiff(R"({"a":1,"b":2})", R"({"b":2,"a":1})", "[]");
}

TEST_CASE("diff: added, removed and replaced members") {
  checkDiff(R"({"a":1})", R"({"a":1,"b":2})", R"([{"op":"add","path":"/b","value":2}])");
  checkDiff(R"({"a":1,"b":2})", R"({"a":1})", R"([{"op":"remove","path":"/b"}])");
  checkDiff(R"({"a":1})", R"({"a":2})", R"([{"op":"replace","path":"/a","value":2}])");
  checkDiff(R"({"a":"x"})", R"({"a":"y"})", R"([{"op":"replace","path":"/a","value":"y"}])");
  checkDiff(R"({"a":true})", R"({"a":false})", R"([{"op":"replace","path":"/a","value":false}])");
  // Numbers compare by text: 1.0 and 1 are different documents to billet.
  checkDiff(R"({"a":1.0})", R"({"a":1})", R"([{"op":"replace","path":"/a","value":1}])");
  checkDiff(R"({"a":1,"b":2,"c":3})", R"({"b":20,"d":4})",
            R"([{"op":"remove","path":"/a"},{"op":"replace","path":"/b","value":20},)"
            R"({"op":"remove","path":"/c"},{"op":"add","path":"/d","value":4}])");
}

TEST_CASE("diff: new subtrees are added whole, parents before children") {
  checkDiff(R"({"spec":{}})", R"({"spec":{"template":{"spec":{"nodeSelector":{"gpu":"true"}}}}})",
            R"([{"op":"add","path":"/spec/template","value":{"spec":{"nodeSelector":)"
            R"({"gpu":"true"}}}}])");
  checkDiff(R"({})", R"({"a":{"b":[1,{"c":2}]}})",
            R"([{"op":"add","path":"/a","value":{"b":[1,{"c":2}]}}])");
}

TEST_CASE("diff: adds follow the order of the target's members") {
  checkDiff(R"({"m":0})", R"({"z":1,"m":0,"a":2,"k":3})",
            R"([{"op":"add","path":"/z","value":1},{"op":"add","path":"/a","value":2},)"
            R"({"op":"add","path":"/k","value":3}])");
}

TEST_CASE("diff: keys with / and ~ are escaped in paths") {
  checkDiff(R"({"labels":{}})", R"({"labels":{"nvidia.com/gpu":"1","a~b":"2","~1":"3"}})",
            R"([{"op":"add","path":"/labels/nvidia.com~1gpu","value":"1"},)"
            R"({"op":"add","path":"/labels/a~0b","value":"2"},)"
            R"({"op":"add","path":"/labels/~01","value":"3"}])");
  checkDiff(R"({"a/b":{"c~d":1}})", R"({"a/b":{"c~d":2}})",
            R"([{"op":"replace","path":"/a~1b/c~0d","value":2}])");
  checkDiff(R"({"a/b":1})", R"({})", R"([{"op":"remove","path":"/a~1b"}])");
  checkDiff(R"({"":{"":1}})", R"({"":{"":2}})", R"([{"op":"replace","path":"//","value":2}])");
}

TEST_CASE("diff: arrays element by element") {
  checkDiff("[1,2,3]", "[1,5,3]", R"([{"op":"replace","path":"/1","value":5}])");
  checkDiff(R"({"a":[{"x":1},{"x":2}]})", R"({"a":[{"x":1},{"x":3,"y":4}]})",
            R"([{"op":"replace","path":"/a/1/x","value":3},)"
            R"({"op":"add","path":"/a/1/y","value":4}])");
}

TEST_CASE("diff: growing arrays append with /-, in order") {
  checkDiff("[1]", "[1,2,3]",
            R"([{"op":"add","path":"/-","value":2},{"op":"add","path":"/-","value":3}])");
  checkDiff(R"({"c":[]})", R"({"c":[{"name":"a"},{"name":"b"}]})",
            R"([{"op":"add","path":"/c/-","value":{"name":"a"}},)"
            R"({"op":"add","path":"/c/-","value":{"name":"b"}}])");
  checkDiff(R"({"c":[0]})", R"({"c":[9,1]})",
            R"([{"op":"replace","path":"/c/0","value":9},{"op":"add","path":"/c/-","value":1}])");
}

TEST_CASE("diff: shrinking arrays remove from the highest index down") {
  checkDiff("[1,2,3,4]", "[1]",
            R"([{"op":"remove","path":"/3"},{"op":"remove","path":"/2"},)"
            R"({"op":"remove","path":"/1"}])");
  checkDiff(R"({"a":[1,2,3]})", R"({"a":[7]})",
            R"([{"op":"replace","path":"/a/0","value":7},{"op":"remove","path":"/a/2"},)"
            R"({"op":"remove","path":"/a/1"}])");
  checkDiff("[[1,2],[3]]", "[[]]",
            R"([{"op":"remove","path":"/0/1"},{"op":"remove","path":"/0/0"},)"
            R"({"op":"remove","path":"/1"}])");
}

TEST_CASE("diff: type changes are replaced") {
  checkDiff(R"({"a":{"b":1}})", R"({"a":[1]})", R"([{"op":"replace","path":"/a","value":[1]}])");
  checkDiff(R"({"a":[1]})", R"({"a":{"b":1}})",
            R"([{"op":"replace","path":"/a","value":{"b":1}}])");
  checkDiff(R"({"a":"1"})", R"({"a":1})", R"([{"op":"replace","path":"/a","value":1}])");
  checkDiff(R"({"a":null})", R"({"a":false})", R"([{"op":"replace","path":"/a","value":false}])");
  checkDiff(R"({"a":{}})", R"({"a":null})", R"([{"op":"replace","path":"/a","value":null}])");
}

TEST_CASE("diff: the root itself") {
  checkDiff("1", "2", R"([{"op":"replace","path":"","value":2}])");
  checkDiff("{}", "[]", R"([{"op":"replace","path":"","value":[]}])");
  checkDiff(R"({"a":1})", R"("s")", R"([{"op":"replace","path":"","value":"s"}])");
  checkDiff("[]", "null", R"([{"op":"replace","path":"","value":null}])");
}

TEST_CASE("diff: large objects and arrays") {
  std::string from = "{", to = "{";
  for (int i = 0; i < 300; ++i) {
    const std::string k = "\"k" + std::to_string(i) + "\":";
    if (i) from += ",";
    from += k + std::to_string(i);
  }
  // `to` lists the members in reverse, changes one, drops one and adds one.
  for (int i = 299; i >= 0; --i) {
    if (i == 7) continue;
    if (to.size() > 1) to += ",";
    to += "\"k" + std::to_string(i) +
          "\":" + (i == 100 ? std::string("\"changed\"") : std::to_string(i));
  }
  to += ",\"new\":true}";
  from += "}";
  checkDiff(from, to,
            R"([{"op":"remove","path":"/k7"},{"op":"replace","path":"/k100","value":"changed"},)"
            R"({"op":"add","path":"/new","value":true}])");
}

TEST_CASE("diff: members appended to a large object, the others in place") {
  // The labels a thousand policies add one by one: found past the end, in their order.
  std::string from = "{", to = "{";
  for (int i = 0; i < 300; ++i) {
    const std::string k = "\"k" + std::to_string(i) + "\":";
    from += (i ? "," : "") + k + std::to_string(i);
    to += (i ? "," : "") + k + (i == 42 ? std::string("\"changed\"") : std::to_string(i));
  }
  from += "}";
  to += ",\"z\":1,\"a\":2}";
  checkDiff(from, to,
            R"([{"op":"replace","path":"/k42","value":"changed"},)"
            R"({"op":"add","path":"/z","value":1},{"op":"add","path":"/a","value":2}])");
  // One member moved to the end: no longer in place, found by key.
  checkDiff(R"({"a":1,"b":2,"c":3})", R"({"a":1,"c":3,"b":2,"d":4})",
            R"([{"op":"add","path":"/d","value":4}])");
}

TEST_CASE("diff: a mutated admission object") {
  const std::string pod =
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"x"}},)"
      R"("spec":{"containers":[{"name":"a","image":"i","resources":{}},{"name":"b"}],)"
      R"("tolerations":[{"key":"k"}]}})";
  Value from = json(pod);
  Value to = from;
  to["metadata"]["labels"]["billet.dev/mutated"] = Value::string("true");
  to["metadata"]["annotations"]["note"] = Value::string("x");
  to["spec"]["containers"].asArray()[0]["resources"]["limits"]["nvidia.com/gpu"] =
      Value::string("1");
  to["spec"]["tolerations"].push(Value::object());
  to["spec"]["nodeSelector"]["gpu"] = Value::string("true");
  to["spec"].erase("restartPolicy");
  to["spec"]["containers"].asArray().pop_back();
  const Value patch = diff(from, to);
  CHECK(write(patch) ==
        R"([{"op":"add","path":"/metadata/labels/billet.dev~1mutated","value":"true"},)"
        R"({"op":"add","path":"/metadata/annotations","value":{"note":"x"}},)"
        R"({"op":"add","path":"/spec/containers/0/resources/limits","value":)"
        R"({"nvidia.com/gpu":"1"}},)"
        R"({"op":"remove","path":"/spec/containers/1"},)"
        R"({"op":"add","path":"/spec/tolerations/-","value":{}},)"
        R"({"op":"add","path":"/spec/nodeSelector","value":{"gpu":"true"}}])");
  Value doc = from;
  REQUIRE(apply(doc, patch) == "");
  CHECK(doc == to);
}

TEST_CASE("diff: ops are objects with op, path, value in that order") {
  const Value patch = diff(json(R"({"a":1})"), json(R"({"a":2,"b":3})"));
  REQUIRE(patch.isArray());
  REQUIRE(patch.size() == 2);
  for (const Value& op : patch.asArray()) {
    REQUIRE(op.isObject());
    REQUIRE(op.size() == 3);
    CHECK(op.asObject()[0].key == "op");
    CHECK(op.asObject()[1].key == "path");
    CHECK(op.asObject()[2].key == "value");
  }
  const Value removal = diff(json(R"({"a":1})"), json("{}"));
  REQUIRE(removal.size() == 1);
  CHECK(removal.asArray()[0].size() == 2);
}

// ---------------------------------------------------------------------------------------------
// apply: RFC 6902 appendix A

TEST_CASE("apply: A.1 adding an object member") {
  checkApply(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])",
             R"({"baz":"qux","foo":"bar"})");
}

TEST_CASE("apply: A.2 adding an array element") {
  checkApply(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])",
             R"({"foo":["bar","qux","baz"]})");
}

TEST_CASE("apply: A.3 removing an object member") {
  checkApply(R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])",
             R"({"foo":"bar"})");
}

TEST_CASE("apply: A.4 removing an array element") {
  checkApply(R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])",
             R"({"foo":["bar","baz"]})");
}

TEST_CASE("apply: A.5 replacing a value") {
  checkApply(R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])",
             R"({"baz":"boo","foo":"bar"})");
}

TEST_CASE("apply: A.6 moving a value") {
  checkApply(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
             R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
             R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
}

TEST_CASE("apply: A.7 moving an array element") {
  checkApply(R"({"foo":["all","grass","cows","eat"]})",
             R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
             R"({"foo":["all","cows","eat","grass"]})");
}

TEST_CASE("apply: A.8 testing a value: success") {
  checkApply(
      R"({"baz":"qux","foo":["a",2,"c"]})",
      R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
      R"({"baz":"qux","foo":["a",2,"c"]})");
}

TEST_CASE("apply: A.9 testing a value: error") {
  CHECK(applyText(R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])") ==
        "op 0 (test /baz): test failed: value differs");
}

TEST_CASE("apply: A.10 adding a nested member object") {
  checkApply(R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
             R"({"foo":"bar","child":{"grandchild":{}}})");
}

TEST_CASE("apply: A.11 ignoring unrecognized elements") {
  checkApply(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])",
             R"({"foo":"bar","baz":"qux"})");
}

TEST_CASE("apply: A.12 adding to a nonexistent target") {
  CHECK(applyText(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])") ==
        "op 0 (add /baz/bat): parent path not found");
}

TEST_CASE("apply: A.13 invalid JSON Patch document") {
  // The duplicate "op" member is resolved by the parser (last wins), so this is a remove.
  Value result;
  CHECK(applyText(R"({"baz":1,"foo":2})",
                  R"([{"op":"add","path":"/baz","value":"qux","op":"remove"}])", &result) == "");
  CHECK(result == json(R"({"foo":2})"));
}

TEST_CASE("apply: A.14 ~ escape ordering") {
  checkApply(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])",
             R"({"/":9,"~1":10})");
}

TEST_CASE("apply: A.15 comparing strings and numbers") {
  CHECK(applyText(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])") ==
        "op 0 (test /~01): test failed: value differs");
}

TEST_CASE("apply: A.16 adding an array value") {
  checkApply(R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])",
             R"({"foo":["bar",["abc","def"]]})");
}

// ---------------------------------------------------------------------------------------------
// apply: the rest of RFC 6902

TEST_CASE("apply: add") {
  // At the end of an array by index, and replacing an existing member.
  checkApply(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/2","value":3}])", R"({"a":[1,2,3]})");
  checkApply(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/0","value":0}])", R"({"a":[0,1,2]})");
  checkApply(R"({"a":1})", R"([{"op":"add","path":"/a","value":{"b":2}}])", R"({"a":{"b":2}})");
  checkApply(R"({"a":[]})", R"([{"op":"add","path":"/a/-","value":1}])", R"({"a":[1]})");
  // The root is replaced; an empty key is a member like any other.
  checkApply(R"({"a":1})", R"([{"op":"add","path":"","value":[1]}])", "[1]");
  checkApply(R"({})", R"([{"op":"add","path":"/","value":1}])", R"({"":1})");
  // An existing member keeps its place when replaced by add.
  Value result;
  REQUIRE(applyText(R"({"a":1,"b":2})", R"([{"op":"add","path":"/a","value":3}])", &result) == "");
  CHECK(write(result) == R"({"a":3,"b":2})");
}

TEST_CASE("apply: remove, replace, copy, move") {
  checkApply(R"({"a":{"b":1,"c":2}})", R"([{"op":"remove","path":"/a/b"}])", R"({"a":{"c":2}})");
  checkApply(R"([1,2,3])", R"([{"op":"remove","path":"/2"}])", "[1,2]");
  checkApply(R"({"a":1})", R"([{"op":"replace","path":"","value":"root"}])", R"("root")");
  checkApply(R"({"a":[1,2]})", R"([{"op":"replace","path":"/a/1","value":{"x":1}}])",
             R"({"a":[1,{"x":1}]})");
  checkApply(R"({"a":{"b":[1]},"c":{}})", R"([{"op":"copy","from":"/a/b","path":"/c/d"}])",
             R"({"a":{"b":[1]},"c":{"d":[1]}})");
  checkApply(R"({"a":[1,2]})", R"([{"op":"copy","from":"/a/0","path":"/a/-"}])",
             R"({"a":[1,2,1]})");
  // Copying a value into itself copies the value as it was.
  checkApply(R"({"a":{"b":1}})", R"([{"op":"copy","from":"/a","path":"/a/c"}])",
             R"({"a":{"b":1,"c":{"b":1}}})");
  checkApply(R"({"a":1,"b":2})", R"([{"op":"move","from":"/a","path":"/b"}])", R"({"b":1})");
  checkApply(R"({"a":1})", R"([{"op":"move","from":"/a","path":"/a"}])", R"({"a":1})");
  checkApply(R"({"a":{"b":{"c":1}}})", R"([{"op":"move","from":"/a/b","path":"/a/d"}])",
             R"({"a":{"d":{"c":1}}})");
  checkApply(R"({"a":{"b":1}})", R"([{"op":"move","from":"/a","path":"/x"}])", R"({"x":{"b":1}})");
  checkApply(R"([1,2,3])", R"([{"op":"move","from":"/0","path":"/-"}])", "[2,3,1]");
  // Several ops in sequence see each other's results.
  checkApply(R"({})",
             R"([{"op":"add","path":"/a","value":{}},{"op":"add","path":"/a/b","value":[]},)"
             R"({"op":"add","path":"/a/b/-","value":1},{"op":"test","path":"/a/b/0","value":1}])",
             R"({"a":{"b":[1]}})");
}

TEST_CASE("apply: test compares numbers by value and objects regardless of order") {
  const char* doc = R"({"n":1,"f":100,"z":0,"o":{"a":1,"b":[1,2]}})";
  const char* equal[] = {
      R"([{"op":"test","path":"/n","value":1.0}])",
      R"([{"op":"test","path":"/n","value":1e0}])",
      R"([{"op":"test","path":"/n","value":10e-1}])",
      R"([{"op":"test","path":"/f","value":1e2}])",
      R"([{"op":"test","path":"/f","value":100.000}])",
      R"([{"op":"test","path":"/f","value":0.1E3}])",
      R"([{"op":"test","path":"/z","value":-0}])",
      R"([{"op":"test","path":"/z","value":0.0e10}])",
      R"([{"op":"test","path":"/o","value":{"b":[1,2.0],"a":1}}])",
      R"([{"op":"test","path":"","value":{"o":{"a":1,"b":[1,2]},"z":0,"f":100,"n":1}}])",
  };
  for (const char* p : equal) {
    INFO(p);
    CHECK(applyText(doc, p) == "");
  }
  const char* different[] = {
      R"([{"op":"test","path":"/n","value":2}])",
      R"([{"op":"test","path":"/n","value":-1}])",
      R"([{"op":"test","path":"/n","value":"1"}])",
      R"([{"op":"test","path":"/n","value":true}])",
      R"([{"op":"test","path":"/f","value":1e3}])",
      R"([{"op":"test","path":"/f","value":10}])",
      R"([{"op":"test","path":"/z","value":null}])",
      R"([{"op":"test","path":"/o","value":{"a":1}}])",
      R"([{"op":"test","path":"/o","value":{"a":1,"b":[2,1]}}])",
      R"([{"op":"test","path":"/o","value":{"a":1,"b":[1,2],"c":3}}])",
      R"([{"op":"test","path":"/o/b","value":[1]}])",
  };
  for (const char* p : different) {
    INFO(p);
    CHECK(applyText(doc, p).find("test failed: value differs") != std::string::npos);
  }
}

TEST_CASE("apply: errors name the op index, op and path") {
  const char* doc = R"({"a":{"b":1},"arr":[1,2,3],"s":"x"})";
  const std::pair<const char*, const char*> cases[] = {
      {R"([1])", "op 0: not an object"},
      {R"([{"path":"/a"}])", "op 0: missing \"op\""},
      {R"([{"op":1,"path":"/a"}])", "op 0: \"op\" is not a string"},
      {R"([{"op":"add","value":1}])", "op 0: missing \"path\""},
      {R"([{"op":"add","path":5,"value":1}])", "op 0: \"path\" is not a string"},
      {R"([{"op":"frobnicate","path":"/a"}])", "op 0 (frobnicate /a): unknown op \"frobnicate\""},
      {R"([{"op":"add","path":"/x"}])", "op 0 (add /x): missing \"value\""},
      {R"([{"op":"replace","path":"/a"}])", "op 0 (replace /a): missing \"value\""},
      {R"([{"op":"test","path":"/a"}])", "op 0 (test /a): missing \"value\""},
      {R"([{"op":"add","path":"a","value":1}])", "op 0 (add a): invalid JSON pointer in \"path\""},
      {R"([{"op":"add","path":"/~2","value":1}])",
       "op 0 (add /~2): invalid JSON pointer in \"path\""},
      {R"([{"op":"replace","path":"/nope","value":1}])", "op 0 (replace /nope): path not found"},
      {R"([{"op":"replace","path":"/a/b/c","value":1}])", "op 0 (replace /a/b/c): path not found"},
      {R"([{"op":"remove","path":"/nope"}])", "op 0 (remove /nope): path not found"},
      {R"([{"op":"remove","path":"/a/nope/c"}])", "op 0 (remove /a/nope/c): path not found"},
      {R"([{"op":"remove","path":""}])", "op 0 (remove ): cannot remove the whole document"},
      {R"([{"op":"test","path":"/nope","value":1}])", "op 0 (test /nope): path not found"},
      {R"([{"op":"add","path":"/s/x","value":1}])",
       "op 0 (add /s/x): parent is not an object or array"},
      {R"([{"op":"add","path":"/nope/x","value":1}])", "op 0 (add /nope/x): parent path not found"},
      // Array indices: leading zeros, signs, letters, out of range, "-" where it cannot be.
      {R"([{"op":"replace","path":"/arr/01","value":1}])",
       "op 0 (replace /arr/01): invalid array index \"01\""},
      {R"([{"op":"remove","path":"/arr/00"}])",
       "op 0 (remove /arr/00): invalid array index \"00\""},
      {R"([{"op":"add","path":"/arr/01","value":1}])",
       "op 0 (add /arr/01): invalid array index \"01\""},
      {R"([{"op":"add","path":"/arr/-1","value":1}])",
       "op 0 (add /arr/-1): invalid array index \"-1\""},
      {R"([{"op":"add","path":"/arr/+1","value":1}])",
       "op 0 (add /arr/+1): invalid array index \"+1\""},
      {R"([{"op":"add","path":"/arr/1a","value":1}])",
       "op 0 (add /arr/1a): invalid array index \"1a\""},
      {R"([{"op":"add","path":"/arr/","value":1}])", "op 0 (add /arr/): invalid array index \"\""},
      {R"([{"op":"add","path":"/arr/4","value":1}])",
       "op 0 (add /arr/4): array index 4 out of range"},
      {R"([{"op":"add","path":"/arr/99999999999999999999999","value":1}])",
       "op 0 (add /arr/99999999999999999999999): array index 99999999999999999999999 out of range"},
      {R"([{"op":"replace","path":"/arr/3","value":1}])",
       "op 0 (replace /arr/3): array index 3 out of range"},
      {R"([{"op":"remove","path":"/arr/3"}])", "op 0 (remove /arr/3): array index 3 out of range"},
      {R"([{"op":"test","path":"/arr/3","value":1}])",
       "op 0 (test /arr/3): array index 3 out of range"},
      {R"([{"op":"remove","path":"/arr/-"}])",
       "op 0 (remove /arr/-): path not found (\"-\" is past the end of the array)"},
      {R"([{"op":"replace","path":"/arr/-","value":1}])",
       "op 0 (replace /arr/-): path not found (\"-\" is past the end of the array)"},
      {R"([{"op":"replace","path":"/arr/3/x","value":1}])",
       "op 0 (replace /arr/3/x): array index 3 out of range"},
      // move and copy.
      {R"([{"op":"move","path":"/x"}])", "op 0 (move /x): missing \"from\""},
      {R"([{"op":"copy","from":1,"path":"/x"}])", "op 0 (copy /x): \"from\" is not a string"},
      {R"([{"op":"copy","from":"x","path":"/x"}])",
       "op 0 (copy /x): invalid JSON pointer in \"from\""},
      {R"([{"op":"move","from":"/nope","path":"/x"}])", "op 0 (move /x): \"from\" path not found"},
      {R"([{"op":"copy","from":"/arr/5","path":"/x"}])",
       "op 0 (copy /x): \"from\" array index 5 out of range"},
      {R"([{"op":"move","from":"/a","path":"/a/b/c"}])",
       "op 0 (move /a/b/c): cannot move a value into one of its own children"},
      {R"([{"op":"move","from":"","path":"/x"}])",
       "op 0 (move /x): cannot move a value into one of its own children"},
      {R"([{"op":"move","from":"/a","path":"/a/x"}])",
       "op 0 (move /a/x): cannot move a value into one of its own children"},
      {R"([{"op":"move","from":"/a/b","path":"/nope/x"}])",
       "op 0 (move /nope/x): parent path not found"},
      {R"([{"op":"copy","from":"/a","path":"/arr/9"}])",
       "op 0 (copy /arr/9): array index 9 out of range"},
  };
  for (const auto& [patch, error] : cases) {
    INFO(patch);
    CHECK(applyText(doc, patch) == error);
  }
  // A patch must be an array.
  CHECK(applyText(doc, R"({"op":"add"})") == "patch is not a JSON array");
}

TEST_CASE("apply: the index of the failing op counts from zero") {
  Value result;
  CHECK(applyText(
            R"({"spec":{}})",
            R"([{"op":"add","path":"/spec/a","value":1},{"op":"test","path":"/spec/a","value":1},)"
            R"({"op":"remove","path":"/spec/a"},{"op":"replace","path":"/spec/x","value":1}])",
            &result) == "op 3 (replace /spec/x): path not found");
  // Earlier ops were applied: callers apply to a copy.
  CHECK(result == json(R"({"spec":{}})"));
}

TEST_CASE("apply: move into a key that merely shares a prefix is allowed") {
  checkApply(R"({"a":1,"ab":{}})", R"([{"op":"move","from":"/a","path":"/ab/x"}])",
             R"({"ab":{"x":1}})");
}

TEST_CASE("apply: errors stay on one line") {
  const std::string err =
      applyText(R"({})", R"([{"op":"replace","path":"/line\nbreak","value":1}])");
  CHECK(err == "op 0 (replace /line\\nbreak): path not found");
  CHECK(err.find('\n') == std::string::npos);
}

// diffFromCopy(original, copy) after `change` on a copy marked untouched, a full one and a lazy
// one (Value::lazyCopyOf): the same patch as diff(original, copy), which applied to the original
// gives the changed copy.
// The original is parsed whole, and (as an admission request is) with parseDeferred, its
// objects and arrays built as the change and the diff read them.
void checkDiffFromCopy(std::string_view original, void (*change)(Value&)) {
  INFO("original: " << original);
  for (bool deferred : {false, true}) {
    for (bool lazy : {false, true}) {
      INFO("deferred parse: " << deferred << ", lazy copy: " << lazy);
      billet::json::Document doc;
      const Value a = deferred ? billet::json::parseDeferred(original, doc).value : json(original);
      Value b = lazy ? Value::lazyCopyOf(a) : a;
      billet::json::markUntouched(b);
      change(b);
      const Value patch = billet::json::diffFromCopy(a, b);
      CHECK(write(patch) == write(diff(a, b)));
      // Written without building the operations (what /mutate sends): the same bytes.
      std::string text = "prefix";
      const std::size_t operations = billet::json::writeDiffFromCopy(a, b, text);
      CHECK(text == "prefix" + write(patch));
      CHECK(operations == patch.size());
      Value patched = a;
      REQUIRE(apply(patched, patch) == "");
      CHECK(patched == b);
      CHECK(a == json(original));  // the original is only read
    }
  }
}

TEST_CASE("diffFromCopy: the same patch as diff for changes made through each accessor") {
  const char* doc =
      R"({"metadata":{"name":"web","labels":{"app":"web"}},)"
      R"("spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"a","image":"x"},)"
      R"({"name":"b","image":"y"}],"tolerations":[{"key":"k"}]}}}})";
  checkDiffFromCopy(doc, [](Value&) {});
  checkDiffFromCopy(doc, [](Value& v) { v["metadata"]["labels"]["tier"] = Value::string("1"); });
  checkDiffFromCopy(doc, [](Value& v) { v["spec"].set("replicas", Value::number(3)); });
  checkDiffFromCopy(doc, [](Value& v) { v["metadata"]["labels"].erase("app"); });
  checkDiffFromCopy(doc, [](Value& v) {
    Value& c = v["spec"]["template"]["spec"]["containers"];
    // An element inserted in front: the others move, and each is compared again.
    c.asArray().insert(c.asArray().begin(), json(R"({"name":"init"})"));
  });
  checkDiffFromCopy(doc, [](Value& v) {
    Value& c = v["spec"]["template"]["spec"]["containers"];
    c.asArray().erase(c.asArray().begin());
  });
  checkDiffFromCopy(doc, [](Value& v) {
    Value* spec = v.find("spec")->find("template")->find("spec");
    Value& image = *spec->find("containers")->asArray()[1].find("image");
    image = Value::string(std::string(image.asString()) + ":2");
  });
  checkDiffFromCopy(doc, [](Value& v) {
    // A subtree moved to another place, and the place it left.
    Value& spec = v["spec"]["template"]["spec"];
    Value taken = std::move(spec["tolerations"]);  // before "moved" is added: that may reallocate
    spec["moved"] = std::move(taken);
  });
  checkDiffFromCopy(doc, [](Value& v) {
    Value& spec = v["spec"]["template"]["spec"];
    std::swap(spec.asObject()[0], spec.asObject()[1]);
  });
  checkDiffFromCopy(doc, [](Value& v) {
    // The pod spec grows (its members move to a larger buffer), then a container changes.
    Value& spec = v["spec"]["template"]["spec"];
    for (int i = 0; i < 8; ++i) spec["k" + std::to_string(i)] = Value::number(i);
    spec["containers"].asArray()[0]["image"] = Value::string("z");
    v["metadata"].erase("name");
    v["metadata"]["labels"]["app"] = Value::string("web2");
  });
  checkDiffFromCopy(doc, [](Value& v) { v = json(R"({"kind":"Other"})"); });
  checkDiffFromCopy(doc, [](Value& v) { v["spec"] = v["spec"]["template"]; });
  checkDiffFromCopy(doc, [](Value& v) {
    // Elements that read as the original's are shifted (an insert), copied whole, and changed.
    Value& c = v["spec"]["template"]["spec"]["containers"];
    Value first = c.asArray()[0];
    c.asArray().insert(c.asArray().begin() + 1, first);
    c.asArray()[2]["image"] = Value::string("w");
    c.push(c.asArray()[0]);
  });
  checkDiffFromCopy(doc, [](Value& v) {
    // Every kind of scalar reached for change, then set to what it was.
    Value& spec = v["spec"];
    spec["replicas"] = Value::number(2);
    spec["template"]["spec"]["tolerations"].asArray()[0].find("key")->asString();
    v["metadata"]["name"].asString() = "web";
  });
}

TEST_CASE(
    "diffFromCopy: paths through keys that either escaping changes, written as diff writes them") {
  // The text patch writes most paths without building them; a key with '~', '/', '"', '\\' or a
  // control character anywhere on the path takes the long way. Both give diff's bytes.
  const char* doc =
      R"({"metadata":{"labels":{"a":"1","x/y":"2","t~n":"3"},"annotations":{"q\"d":"4"}},)"
      R"("spec":{"a\\b":{"c\nd":[1,2,3]},"plain":{"é":{"k":1}}}})";
  checkDiffFromCopy(doc, [](Value& v) { v["metadata"]["labels"]["new/key"] = Value::string("n"); });
  checkDiffFromCopy(doc, [](Value& v) { v["metadata"]["labels"]["x/y"] = Value::string("3"); });
  checkDiffFromCopy(doc, [](Value& v) { v["metadata"]["labels"].erase("t~n"); });
  checkDiffFromCopy(doc, [](Value& v) { v["metadata"]["annotations"]["q\"d"] = Value::number(5); });
  checkDiffFromCopy(doc, [](Value& v) { v["spec"]["a\\b"]["c\nd"].push(Value::number(4)); });
  checkDiffFromCopy(doc, [](Value& v) {
    Value& list = v["spec"]["a\\b"]["c\nd"];
    list.asArray().pop_back();
    list.asArray().pop_back();
  });
  checkDiffFromCopy(doc, [](Value& v) { v["spec"]["plain"]["é"]["k"] = Value::number(2); });
  checkDiffFromCopy(doc, [](Value& v) { v["spec"]["plain"]["é"]["\x01~/"] = Value::null(); });
}

TEST_CASE("diffFromCopy: what was never reached for change is not compared") {
  // A change made behind the accessors' back (through a const view) is not seen: the proof that
  // untouched subtrees are skipped, and the reason every change goes through the accessors.
  const Value a = json(R"({"spec":{"replicas":2},"metadata":{"name":"web"}})");
  Value b = a;
  billet::json::markUntouched(b);
  const Value& view = b;
  *const_cast<Value*>(view.find("spec")->find("replicas")) = Value::number(3);
  CHECK(diff(a, b).size() == 1);
  CHECK(billet::json::diffFromCopy(a, b).size() == 0);
  // Reached through the non-const accessors, the same change is found.
  b.find("spec")->set("replicas", Value::number(4));
  CHECK(write(billet::json::diffFromCopy(a, b)) ==
        R"([{"op":"replace","path":"/spec/replicas","value":4}])");
}

TEST_CASE("diffFromCopy: the values in the patch read from the copy, which may move") {
  const Value a = json(R"({"spec":{"replicas":2}})");
  const std::string added = R"({"nvidia.com/gpu.present":"true"})";
  std::string expected;
  Value ownedPatch;
  {
    auto b = std::make_unique<Value>(Value::lazyCopyOf(a));
    billet::json::markUntouched(*b);
    (*b)["spec"]["nodeSelector"] = json(added);
    Value patch = billet::json::diffFromCopy(a, *b);
    expected = write(patch);
    CHECK(expected == R"([{"op":"add","path":"/spec/nodeSelector","value":)" + added + "}]");
    // Not a copy: the operation's value is the copy's own.
    CHECK(patch.asArray()[0].find("value")->readsAs(*b->find("spec")->find("nodeSelector")));
    // The copy moved (as admission::evaluate moves it into its result): the patch still reads.
    Value moved = std::move(*b);
    b.reset();
    CHECK(write(patch) == expected);
    ownedPatch = patch;  // a copy owns everything
  }
  CHECK(write(ownedPatch) == expected);
  // The whole document replaced: the patch holds its own copy of the root.
  Value patch;
  {
    Value b = Value::lazyCopyOf(a);
    billet::json::markUntouched(b);
    b = Value::array();
    patch = billet::json::diffFromCopy(a, b);
  }
  CHECK(write(patch) == R"([{"op":"replace","path":"","value":[]}])");
}
