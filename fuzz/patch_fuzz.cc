// Fuzz target for the patch builder (json/patch): billet answers /mutate with diff(original,
// mutated), which the API server applies with its own RFC 6902 implementation.
//
// Input: two JSON documents a and b separated by a line holding only `---` (a raw newline cannot
// occur inside a JSON string, so the first such line splits them). For every pair that parses:
//   - apply(diff(a, b), a) == b with billet's apply, and the same from b to a;
//   - diff(a, a) is empty;
//   - nlohmann/json's patch() (an independent RFC 6902 implementation) applied to a gives b:
//     the patch means what billet thinks it means;
//   - billet's apply of nlohmann/json's diff(a, b) gives b: apply reads patches it did not write;
//   - on a lazy copy of a (json::Value::lazyCopyOf, how mutation works), applying diff(a, b)
//     gives b and leaves a as it was, and diffFromCopy(a, copy) applied to a, by billet and by
//     nlohmann/json, gives b: the patch /mutate answers from what the rules touched (and
//     writeDiffFromCopy, how it is written, gives the same bytes as write(diffFromCopy)). This runs
//     twice: with a parsed whole, and with a parsed as an admission request is
//     (json::parseDeferred), its objects and arrays built as the copy and the diff read them.
// Any mismatch aborts with the documents and the patch. Numbers too large for nlohmann/json's
// doubles (1e400) skip the independent checks.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "json/parse.h"
#include "json/patch.h"
#include "json/write.h"

namespace {

using billet::json::Value;

constexpr std::size_t kMaxInput = 64 * 1024;
constexpr std::string_view kSeparator = "\n---\n";

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "patch_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

std::string show(const Value& a, const Value& b, const Value& patch) {
  using billet::json::write;
  return "a: " + write(a) + "\nb: " + write(b) + "\npatch: " + write(patch);
}

// billet's diff and apply, one way.
void checkBillet(const Value& a, const Value& b) {
  const Value patch = billet::json::diff(a, b);
  if (!patch.isArray()) fail("diff is not an array", show(a, b, patch));
  Value doc = a;
  const std::string error = billet::json::apply(doc, patch);
  if (!error.empty()) fail("diff(a, b) does not apply to a", error + "\n" + show(a, b, patch));
  if (doc != b)
    fail("apply(diff(a, b), a) != b", show(a, b, patch) + "\ngot: " + billet::json::write(doc));
}

// nlohmann/json's reading of a document billet wrote; false when a number is out of its range.
bool toNlohmann(const Value& v, nlohmann::json& out) {
  const std::string text = billet::json::write(v);
  try {
    out = nlohmann::json::parse(text);
    return true;
  } catch (const nlohmann::json::out_of_range&) {
    return false;  // 406: number overflow
  } catch (const nlohmann::json::exception& e) {
    fail("nlohmann/json rejects a document billet wrote", std::string(e.what()) + "\n" + text);
  }
}

void checkIndependently(const Value& a, const Value& b) {
  nlohmann::json na, nb;
  if (!toNlohmann(a, na) || !toNlohmann(b, nb)) return;
  const Value patch = billet::json::diff(a, b);
  nlohmann::json np;
  if (!toNlohmann(patch, np)) fail("a patch holds a number its documents do not", "");
  nlohmann::json patched;
  try {
    patched = na.patch(np);
  } catch (const nlohmann::json::exception& e) {
    fail("nlohmann/json cannot apply diff(a, b) to a",
         std::string(e.what()) + "\n" + show(a, b, patch));
  }
  if (patched != nb)
    fail("nlohmann/json's patch(a, diff(a, b)) != b",
         show(a, b, patch) + "\ngot: " + patched.dump());

  // The other way round: nlohmann/json's diff, billet's apply, compared as nlohmann/json reads it
  // (its diff writes numbers in its own form: 1.0 for 1.00).
  const nlohmann::json theirs = nlohmann::json::diff(na, nb);
  const billet::base::Result<billet::json::Value> theirPatch = billet::json::parse(theirs.dump());
  if (!theirPatch.ok()) fail("billet cannot parse nlohmann/json's diff", theirs.dump());
  Value doc = a;
  const std::string error = billet::json::apply(doc, theirPatch.value);
  if (!error.empty())
    fail("billet cannot apply nlohmann/json's diff(a, b)",
         error + "\n" + show(a, b, theirPatch.value));
  nlohmann::json got;
  if (!toNlohmann(doc, got) || got != nb)
    fail("billet's apply of nlohmann/json's diff(a, b) != b",
         show(a, b, theirPatch.value) + "\ngot: " + billet::json::write(doc));
}

// The working copy mutation changes: a lazy copy of `a`, changed by applying diff(a, b).
// `a` may be a deferred parse, not read yet: `whole` is the same document parsed whole, for
// what is computed before the change.
void checkLazyCopy(const Value& a, const Value& b, const Value& whole) {
  const std::string before = billet::json::write(whole);
  const Value patch = billet::json::diff(whole, b);
  Value copy = Value::lazyCopyOf(a);
  billet::json::markUntouched(copy);
  const std::string error = billet::json::apply(copy, patch);
  if (!error.empty())
    fail("diff(a, b) does not apply to a lazy copy of a", error + "\n" + show(a, b, patch));
  if (copy != b)
    fail("apply(diff(a, b), lazy copy of a) != b",
         show(a, b, patch) + "\ngot: " + billet::json::write(copy));
  if (billet::json::write(a) != before) fail("changing a lazy copy of a changed a", before);
  const Value touched = billet::json::diffFromCopy(a, copy);
  std::string text;
  if (billet::json::writeDiffFromCopy(a, copy, text) != touched.size() ||
      text != billet::json::write(touched))
    fail("writeDiffFromCopy(a, copy) is not write(diffFromCopy(a, copy))",
         text + "\n" + show(a, b, touched));
  Value doc = a;
  if (!billet::json::apply(doc, touched).empty() || doc != b)
    fail("diffFromCopy(a, changed lazy copy) applied to a != b", show(a, b, touched));
  nlohmann::json na, nb, np;
  if (!toNlohmann(a, na) || !toNlohmann(b, nb) || !toNlohmann(touched, np)) return;
  try {
    if (na.patch(np) != nb)
      fail("nlohmann/json's patch(a, diffFromCopy(a, copy)) != b", show(a, b, touched));
  } catch (const nlohmann::json::exception& e) {
    fail("nlohmann/json cannot apply diffFromCopy(a, copy) to a",
         std::string(e.what()) + "\n" + show(a, b, touched));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t sep = input.find(kSeparator);
  if (sep == std::string_view::npos) return 0;
  const billet::base::Result<billet::json::Value> a = billet::json::parse(input.substr(0, sep));
  const billet::base::Result<billet::json::Value> b =
      billet::json::parse(input.substr(sep + kSeparator.size()));
  if (!a.ok() || !b.ok()) return 0;

  const Value same = billet::json::diff(a.value, a.value);
  if (!same.isArray() || same.size() != 0)
    fail("diff(a, a) is not empty", show(a.value, a.value, same));
  checkBillet(a.value, b.value);
  checkBillet(b.value, a.value);
  checkIndependently(a.value, b.value);
  checkLazyCopy(a.value, b.value, a.value);
  billet::json::Document document;
  const billet::base::Result<Value> deferred =
      billet::json::parseDeferred(input.substr(0, sep), document);
  if (!deferred.ok()) fail("parseDeferred refused what parse accepted", deferred.error);
  checkLazyCopy(deferred.value, b.value, a.value);
  return 0;
}
