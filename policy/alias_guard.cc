#include "policy/alias_guard.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace billet::policy {
namespace {

class ExpansionCounter final : public YAML::EventHandler {
 public:
  explicit ExpansionCounter(AliasLimits limits) : limits_(limits) {}

  bool over() const { return !message_.empty(); }
  const YAML::Mark& where() const { return where_; }
  const std::string& message() const { return message_; }

  // Anchors are scoped to their document.
  void OnDocumentStart(const YAML::Mark& m) override {
    // yaml-cpp 0.7 reads a stray token (",", "&a ,") as an empty document without consuming it,
    // and would do so forever: a document that starts where the previous one did is an error.
    if (started_ && m.pos == lastStart_.pos && !over()) fail(m, "unexpected token");
    started_ = true;
    lastStart_ = m;
    sizes_.clear();
    open_.clear();
    stack_.clear();
    nodes_ = 0;
    documentAdded_ = 0;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(anchor);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    if (over()) return;
    // `&a [*a]`: yaml-cpp builds a node that contains itself, and reading it never ends.
    if (open_.count(anchor)) {
      fail(m, "an alias inside the node it refers to (a cycle)");
      return;
    }
    auto it = sizes_.find(anchor);
    std::uint64_t n = it == sizes_.end() ? 1 : it->second;
    nodes_ += n;  // an anchor enclosing this alias includes what it expands to
    documentAdded_ += n;
    fileAdded_ += n;
    if (documentAdded_ > limits_.perDocument)
      fail(m, "aliases expand to more than " + std::to_string(limits_.perDocument) +
                  " nodes in one document");
    else if (fileAdded_ > limits_.perFile)
      fail(m,
           "aliases expand to more than " + std::to_string(limits_.perFile) + " nodes in one file");
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  // No counter can overflow: counting stops at the first alias past a bound, so every size is
  // at most the document's own nodes plus twice the bound.
  void leaf(YAML::anchor_t anchor) {
    ++nodes_;
    if (anchor) sizes_[anchor] = 1;
  }
  void open(YAML::anchor_t anchor) {
    if (anchor) open_.insert(anchor);
    stack_.push_back({anchor, nodes_});
    ++nodes_;
  }
  void close() {
    if (stack_.empty()) return;
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor) {
      sizes_[f.anchor] = nodes_ - f.start;
      open_.erase(f.anchor);
    }
  }
  void fail(const YAML::Mark& m, std::string message) {
    where_ = m;
    message_ = std::move(message);
  }

  struct Frame {
    YAML::anchor_t anchor;
    std::uint64_t start;
  };
  AliasLimits limits_;
  std::uint64_t nodes_ = 0;          // this document's nodes so far, aliases expanded
  std::uint64_t documentAdded_ = 0;  // what this document's aliases added
  std::uint64_t fileAdded_ = 0;      // what every alias of the file added
  YAML::Mark where_;
  bool started_ = false;  // a document has started; lastStart_ is where
  YAML::Mark lastStart_;
  std::string message_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::uint64_t> sizes_;  // expanded size of each anchor
  std::unordered_set<YAML::anchor_t> open_;                  // anchored nodes not closed yet
};

}  // namespace

base::Status checkAliasExpansion(const std::string& text, AliasLimits limits) {
  base::Status r;
  std::istringstream in(text);
  ExpansionCounter counter(limits);
  try {
    YAML::Parser parser(in);
    while (!counter.over() && parser.HandleNextDocument(counter)) {
    }
  } catch (const YAML::Exception&) {
    return r;  // the loader's own parse reports syntax errors with their positions
  }
  if (counter.over()) {
    r.line = counter.where().line + 1;
    r.column = counter.where().column + 1;
    r.error = "invalid YAML: " + counter.message();
  }
  return r;
}

}  // namespace billet::policy
