// json::Document and json::parseDeferred (json/document.h): the scan's tokens kept, and values
// built one level at a time, when they are first read.
#include "json/document.h"

#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "json/build.h"
#include "json/parse.h"
#include "json/scan.h"

namespace billet::json {

using namespace detail;

// The values of a document's containers below the root: one per container at most, in storage
// reserved once so that none ever moves (values read from the document hold their addresses).
// What a built level holds is the document's own, by construction (DeferredBuilder): member
// names and scalars read in place from its text, containers borrowed from other nodes, empty
// objects and arrays. So a level is released by freeing its storage and its key index, without
// destroying its members one by one, which cost about 2,300 instructions a review.
class NodeStore {
 public:
  NodeStore() = default;
  NodeStore(const NodeStore&) = delete;
  NodeStore& operator=(const NodeStore&) = delete;
  ~NodeStore();
  void reserve(std::size_t n) {  // once, before the first add()
    nodes_ = std::allocator<Value>().allocate(n);
    capacity_ = n;
  }
  bool full() const { return size_ == capacity_; }
  Value& add() { return *::new (static_cast<void*>(nodes_ + size_++)) Value(); }
  // A level holds something of its own after all: every node is destroyed as any value is.
  void destroyWhole() { whole_ = true; }

 private:
  Value* nodes_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool whole_ = false;
};

// What a Document holds: the text (a copy, so that the document does not depend on the
// caller's buffer), its tokens, and the values built so far below the root.
struct Tape {
  // Where a value not built yet will be built from: its container's token.
  struct Deferred {
    Tape* tape;
    std::uint32_t token;
  };
  std::string text;  // followed by kScanPadding '\0' bytes (scanPadded)
  std::vector<Token> tokens;
  std::string decoded;
  NodeStore nodes;                 // read from by the values of the document (Value::self())
  std::vector<Deferred> deferred;  // nodes' origins, while they are not built
  std::size_t containers = 0;      // with children, below the root
  std::size_t built = 0;           // of those, built so far
};

Document::Document() = default;
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
std::size_t Document::containersBuilt() const {
  return tape_ ? tape_->built : 0;
}
std::size_t Document::containers() const {
  return tape_ ? tape_->containers : 0;
}

// Builds one level of a document at a time: a container's members or elements, each scalar
// whole and each non-empty container as a value borrowed from a node that is built when it is
// first read (Value::self()).
class DeferredBuilder {
 public:
  static void setTape(Document& doc, std::unique_ptr<Tape> tape) { doc.tape_ = std::move(tape); }

  // Builds the level of token `at` into `into` (null).
  static void build(Tape& tape, std::uint32_t at, Value& into) {
    const Token* tokens = tape.tokens.data();
    const char* text = tape.text.data();
    const char* decoded = tape.decoded.data();
    const Token& t = tokens[at];
    if (t.kind != Kind::kObject && t.kind != Kind::kArray) {
      fillScalar(&into, t, text, decoded, /*borrow=*/true);
      return;
    }
    std::uint32_t next = at + 1;
    if (t.kind == Kind::kArray) {
      BILLET_FILL(&into, Value::array());
      Array& elements = std::get<Array>(into.v_);
      elements.reserve(t.a);
      for (std::uint32_t k = 0; k < t.a; ++k)
        next = fillChild(tape, tokens, text, decoded, &elements.emplace_back(), next);
      return;
    }
    BILLET_FILL(&into, Value::object());
    Object& members = std::get<Object>(into.v_);
    members.reserve(t.a);
    std::uint64_t keyFilter = 0;
    for (std::uint32_t k = 0; k < t.a; ++k) {
      Value* slot =
          memberSlot(members, keyFilter, stringOf(tokens[next], text, decoded), /*borrow=*/true);
      next = fillChild(tape, tokens, text, decoded, slot, next + 1);
    }
    if (members.size() > kInlineDuplicateCheck) {
      dedupeObject(members);
      indexMembers(into);
    }
  }

  // A child of the level being built: its scalar, an empty container, or a node to build later.
  // Returns the next token after it. Inlined into the loops of build(): a call per child, with
  // the registers it saves, cost 2,000 instructions a review.
  [[gnu::always_inline]] static std::uint32_t fillChild(Tape& tape, const Token* tokens,
                                                        const char* text, const char* decoded,
                                                        Value* slot, std::uint32_t i) {
    const Token& c = tokens[i];
    if (c.kind == Kind::kObject || c.kind == Kind::kArray) {
      if (c.a == 0) {
        BILLET_FILL(slot, c.kind == Kind::kObject ? Value::object() : Value::array());
        return i + 1;
      }
      if (tape.nodes.full()) [[unlikely]] {
        // Cannot happen (a node per container at most), but a node must never move. The level is
        // built in place, and its parent then holds something of its own.
        tape.nodes.destroyWhole();
        ++tape.built;
        build(tape, i, *slot);
        return c.b;
      }
      Value& node = tape.nodes.add();
      tape.deferred.push_back(Tape::Deferred{&tape, i});
      node.bits_ = reinterpret_cast<std::uintptr_t>(&tape.deferred.back()) | Value::kBorrowed;
      slot->bits_ = reinterpret_cast<std::uintptr_t>(&node) | Value::kBorrowed;
      return c.b;
    }
    fillScalar(slot, c, text, decoded, /*borrow=*/true);
    return i + 1;
  }

  // A node read for the first time.
  static void build(const Value& unbuilt) {
    Value& node = const_cast<Value&>(unbuilt);  // a Document is read by one thread at a time
    const auto& from = *reinterpret_cast<const Tape::Deferred*>(node.bits_ & ~Value::kFlags);
    node.bits_ = Value::kMarks;  // a null value, as the slot of a build
    ++from.tape->built;
    build(*from.tape, from.token, node);
  }

  // Frees what a node holds (NodeStore): its level's storage and key index. Its members are not
  // destroyed: they hold nothing of their own.
  static void release(Value& node) {
    if (node.borrowed()) return;  // never built: it holds where it would be built from
    delete node.index();
    if (Object* o = std::get_if<Object>(&node.v_)) {
      if (o->capacity() != 0) std::allocator<Member>().deallocate(o->data(), o->capacity());
    } else if (Array* a = std::get_if<Array>(&node.v_)) {
      if (a->capacity() != 0) std::allocator<Value>().deallocate(a->data(), a->capacity());
    }
    // The node's own lifetime ends with its storage's (NodeStore), without its destructor,
    // whose only work, destroying the members and freeing this storage, is done.
  }
};

NodeStore::~NodeStore() {
  if (whole_)
    std::destroy_n(nodes_, size_);
  else
    for (std::size_t i = 0; i < size_; ++i) DeferredBuilder::release(nodes_[i]);
  if (nodes_) std::allocator<Value>().deallocate(nodes_, capacity_);
}

void buildDeferred(const Value& unbuilt) {
  DeferredBuilder::build(unbuilt);
}

base::Result<Value> parseDeferred(std::string_view text, Document& into, int maxDepth,
                                  std::size_t maxValues) {
  ScanScratch& scratch = threadScanScratch();
  base::Result<Value> result = guardedParse(text, [&](base::Result<Value>& root) {
    auto tape = std::make_unique<Tape>();
    // The copy ends in the padding scanPadded reads ahead into.
    tape->text.reserve(text.size() + kScanPadding);
    tape->text.assign(text.data(), text.size());
    tape->text.append(kScanPadding, '\0');
    std::size_t containers = 0;
    if (!scanPadded(std::string_view(tape->text.data(), text.size()), maxDepth, maxValues, scratch,
                    root.error, containers))
      return;
    tape->tokens.assign(scratch.tokens.data(), scratch.tokens.data() + scratch.tokens.size());
    tape->decoded = scratch.decoded;
    tape->nodes.reserve(containers);
    tape->deferred.reserve(containers);
    const Token& top = tape->tokens[0];
    const bool topHasChildren =
        (top.kind == Kind::kObject || top.kind == Kind::kArray) && top.a > 0;
    tape->containers = containers - (topHasChildren ? 1 : 0);
    DeferredBuilder::build(*tape, 0, root.value);
    DeferredBuilder::setTape(into, std::move(tape));
  });
  scratch.reset();
  return result;
}

}  // namespace billet::json
