#include "policy/alias_guard.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <unordered_map>
#include <vector>

namespace billet::policy {
namespace {

class ExpansionCounter final : public YAML::EventHandler {
 public:
  explicit ExpansionCounter(std::uint64_t limit) : limit_(limit) {}

  bool over() const { return over_; }
  const YAML::Mark& where() const { return where_; }

  void OnDocumentStart(const YAML::Mark&) override { sizes_.clear(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override { leaf(m, anchor); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(m, anchor);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    auto it = sizes_.find(anchor);
    add(m, it == sizes_.end() ? 1 : it->second);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(m, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(m, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  void add(const YAML::Mark& m, std::uint64_t n) {
    total_ = n > limit_ ? limit_ + 1 : total_ + n;  // saturate: never overflow
    if (total_ > limit_ && !over_) {
      over_ = true;
      where_ = m;
    }
  }
  void leaf(const YAML::Mark& m, YAML::anchor_t anchor) {
    add(m, 1);
    if (anchor) sizes_[anchor] = 1;
  }
  void open(const YAML::Mark& m, YAML::anchor_t anchor) {
    stack_.push_back({anchor, total_});
    add(m, 1);
  }
  void close() {
    if (stack_.empty()) return;
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor) sizes_[f.anchor] = total_ - f.start;
  }

  struct Frame {
    YAML::anchor_t anchor;
    std::uint64_t start;
  };
  std::uint64_t limit_;
  std::uint64_t total_ = 0;
  bool over_ = false;
  YAML::Mark where_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::uint64_t> sizes_;
};

}  // namespace

AliasGuardResult checkExpandedSize(const std::string& text, std::uint64_t limit) {
  AliasGuardResult r;
  std::istringstream in(text);
  ExpansionCounter counter(limit);
  try {
    YAML::Parser parser(in);
    while (!counter.over() && parser.HandleNextDocument(counter)) {
    }
  } catch (const YAML::Exception&) {
    return r;  // the loader's own parse reports syntax errors with their positions
  }
  if (counter.over()) {
    r.ok = false;
    r.line = counter.where().line + 1;
    r.column = counter.where().column + 1;
    r.message = "invalid YAML: aliases expand to more than " + std::to_string(limit) + " nodes";
  }
  return r;
}

}  // namespace billet::policy
