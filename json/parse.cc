// JSON parsing in two passes over the input: a validating scan that records a flat token list
// (json/scan.cc), then a build of the json::Value tree from it, whole (here) or one level at a
// time as it is read (json/document.cc).
//
// Why not simdjson's DOM: billet keeps number text exactly as written (json::Number), and the
// DOM only hands back int64/uint64/double. Building the Value tree dominates the cost either way:
// on the 3.7 KB AdmissionReview sample this parser takes about 5 us, the same as simdjson's DOM
// parse followed by a walk into Value (simdjson alone takes about 1 us), and keeps the text.
// bench/json_parse_benchmark.cc measures both.
//
// Design notes:
//   - The scan knows every container's size before the build starts, so each object and array
//     is allocated once at its exact size and its members are constructed in place: no regrowth,
//     no moves. (A single pass that grows vectors measured about 20% slower.)
//   - The build keeps open containers on an explicit stack, as the scan does.
//   - Duplicate object keys: the LAST value wins, kept at the position of the FIRST occurrence
//     (Kubernetes' decoder keeps the last value, and JavaScript orders keys the same way).
#include "json/parse.h"

#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "json/build.h"
#include "json/scan.h"

namespace billet::json {
namespace {

using namespace detail;

struct BuildFrame {
  Value* container;
  Object* members;          // the container's, when it is an object
  Array* elements;          // the container's, when it is an array
  std::uint32_t remaining;  // children still to build
  std::uint64_t keyFilter;  // objects: one bit per key hash seen so far
};

// Pass 2: builds the Value tree from a scanned token list. Cannot fail, except to allocate.
class Builder {
 public:
  Builder(std::string_view text, const ScanScratch& scanned, Stack<BuildFrame>& frames)
      : text_(text.data()),
        decoded_(scanned.decoded.data()),
        tokens_(scanned.tokens),
        frames_(frames) {}

  void run(Value& root);

 private:
  const char* text_;
  const char* decoded_;
  const Stack<Token>& tokens_;
  Stack<BuildFrame>& frames_;
};

void Builder::run(Value& root) {
  std::size_t next = 0;
  Value* slot = &root;
  for (;;) {
    const Token& t = tokens_[next++];
    switch (t.kind) {
      case Kind::kNull:
      case Kind::kTrue:
      case Kind::kFalse:
      case Kind::kNumber:
      case Kind::kString:
      case Kind::kDecoded:
        fillScalar(slot, t, text_, decoded_, /*borrow=*/false);
        break;
      case Kind::kArray: {
        BILLET_FILL(slot, Value::array());
        if (t.a > 0) {
          Array* elements = slot->ifArray();
          elements->reserve(t.a);
          frames_.push() = BuildFrame{slot, nullptr, elements, t.a, 0};
        }
        break;
      }
      case Kind::kObject: {
        BILLET_FILL(slot, Value::object());
        if (t.a > 0) {
          Object* members = slot->ifObject();
          members->reserve(t.a);
          frames_.push() = BuildFrame{slot, members, nullptr, t.a, 0};
        }
        break;
      }
    }
    // Find the next slot to fill, closing finished containers.
    for (;;) {
      if (frames_.empty()) return;
      BuildFrame& top = frames_.back();
      if (top.remaining == 0) {
        if (top.members && top.members->size() > kInlineDuplicateCheck) {
          dedupeObject(*top.members);
          indexMembers(*top.container);  // lookups in a large object are then hashed
        }
        frames_.pop();
        continue;
      }
      --top.remaining;
      if (top.members) {
        slot = memberSlot(*top.members, top.keyFilter, stringOf(tokens_[next++], text_, decoded_),
                          /*borrow=*/false);
      } else {
        slot = &top.elements->emplace_back();
      }
      break;
    }
  }
}

}  // namespace

base::Result<Value> parse(std::string_view text, int maxDepth, std::size_t maxValues) {
  ScanScratch& scratch = threadScanScratch();
  thread_local Stack<BuildFrame> frames;
  base::Result<Value> result = guardedParse(text, [&](base::Result<Value>& into) {
    std::size_t containers = 0;
    if (scan(text, maxDepth, maxValues, scratch, into.error, containers))
      Builder(text, scratch, frames).run(into.value);
  });
  scratch.reset();
  frames.reset();
  return result;
}

}  // namespace billet::json
