#include "cli/yaml_stream.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/text.h"
#include "base/utf8.h"
#include "cli/yaml_block_entry.h"
#include "cli/yaml_control_characters.h"
#include "cli/yaml_flow_colon.h"
#include "cli/yaml_kubectl_decoding.h"
#include "cli/yaml_kubectl_separators.h"
#include "cli/yaml_layout_bytes.h"
#include "cli/yaml_members.h"
#include "cli/yaml_parallel_source.h"
#include "cli/yaml_recent_bytes.h"
#include "cli/yaml_scalar_tails.h"
#include "policy/alias_guard.h"
#include "policy/yaml_scalar.h"

namespace billet::cli {
namespace {

bool isPlain(const std::string& tag) {
  return tag == "?" || tag.empty();
}

// Nodes in a value, keys counted: what an alias to it adds.
std::uint64_t nodeCount(const json::Value& v) {
  std::uint64_t n = 1;
  if (v.isArray())
    for (const json::Value& e : v.asArray()) n += nodeCount(e);
  else if (v.isObject())
    for (const json::Member& m : v.asObject()) n += 1 + nodeCount(m.value);
  return n;
}

class Builder final : public YAML::EventHandler {
 public:
  explicit Builder(const YamlStreamCallbacks& callbacks) : callbacks_(callbacks) {}

  bool failed() const { return !error_.message.empty(); }
  // Whether what failed was a document's start, judged from its bytes.
  bool failedAtDocumentStart() const { return failedAtDocumentStart_; }
  const YamlStreamError& error() const { return error_; }

  // The value of the List entry whose placeholder (ParallelYamlSource) is on `line` of the text
  // the parser reads: the placeholder's null is replaced by it.
  void substitute(int line, json::Value item) { pending_.push_back({line, std::move(item)}); }
  // Where the lines of the text the parser reads are in the input, when they differ (each
  // placeholder stands on one line for an entry of many); 1-based both.
  void mapLines(std::function<int(int)> inputLine) { inputLine_ = std::move(inputLine); }
  // The byte of the text the parser reads at a Mark's position, -1 when unknown: asked only for
  // a null in a flow sequence, to tell an empty entry from `~`, where a document starts, to tell
  // a `---` line from a document after `...`, for the end of a quoted or folded scalar, and after
  // a plain key in a flow collection.
  void textAt(std::function<int(std::size_t)> byteAt) { byteAt_ = std::move(byteAt); }
  // Where the first tab of that text is, as far as read (SIZE_MAX: none yet).
  void firstTabAt(std::function<std::size_t()> firstTab) { firstTab_ = std::move(firstTab); }
  // Where the last backslash of that text is, as far as read (SIZE_MAX: none yet).
  void lastBackslashAt(std::function<std::size_t()> lastBackslash) {
    lastBackslash_ = std::move(lastBackslash);
  }
  // Whether a substituted entry was never placed: reported as an error, never dropped.
  void checkAllPlaced() {
    if (!pending_.empty() && !failed()) misplaced(pending_.front().line);
  }

  void OnDocumentStart(const YAML::Mark& m) override {
    // yaml-cpp 0.7 reads a stray token (",", "&a ,") as an empty document without consuming it,
    // and would do so forever: a document that starts where the previous one did is an error.
    if (started_ && m.pos == lastStart_.pos) fail(m, "unexpected token");
    if (callbacks_.documentStart && !failed()) callbacks_.documentStart(inputLine(m.line + 1));
    // kubectl cuts a stream into pieces at its `---` lines before it parses any YAML, and sends
    // the first document of each piece. A `---` line is kept, as the first line of the piece it
    // begins, when nothing came before it since the stream's start or the last `---` line cut
    // away; otherwise it is cut away. A document that does not start at a `---` line follows a
    // `...` line: kubectl reads it only when no document (an empty one included) came before it
    // in its piece.
    const int first = byteAt_ ? byteAt_(static_cast<std::size_t>(m.pos)) : -1;
    const bool explicitStart =
        first >= 0 && startsWithDashes(static_cast<std::size_t>(m.pos), byteAt_);
    bool cutAway = false;
    if (explicitStart) {
      const bool kept = m.line == 0 || (lastSeparator_.line == m.line - 1 && !lastSeparator_.kept);
      lastSeparator_ = {m.line, kept};
      cutAway = !kept;
      pieceHasDocument_ = false;
    }
    // kubectl refuses a piece of the stream that holds a directive and no document: a `%YAML`
    // or `%TAG` line before the first `---` line.
    if (explicitStart && !failed())
      if (const int back = directiveOpeningPiece(static_cast<std::size_t>(m.pos), byteAt_)) {
        YAML::Mark directive = m;
        directive.line -= back;
        directive.column = 0;
        fail(directive,
             "a `%` directive before a `---` line (kubectl cuts the stream at `---` lines first, "
             "and a directive alone is no document: did not find expected <document start>)");
      }
    // A `---` line with more than a comment after the dashes (`--- {a: 1}`, which YAML allows)
    // never reaches here: kubectl refuses it, and the stream ends before it
    // (yaml_kubectl_separators.h).
    // kubectl reads each piece as a stream of its own, which cannot begin with `...` (unless after
    // a `---` line of its own); yaml-cpp reads an empty document there.
    if ((cutAway || !started_) && first >= 0 && !failed()) {
      YAML::Mark start = m;
      if (cutAway) {
        start.pos += 3;
        start.column += 3;
      } else {
        start.pos = start.line = start.column = 0;
      }
      if (std::optional<YAML::Mark> end = documentEndFirst(start, cutAway, byteAt_))
        fail(*end,
             "a `...` line first in a piece of the stream (kubectl: did not find expected "
             "node content)");
    }
    failedAtDocumentStart_ = failed();
    dropped_ = first >= 0 && !explicitStart && pieceHasDocument_;
    if (dropped_ && callbacks_.skipped && !failed())
      callbacks_.skipped(inputLine(m.line + 1),
                         "a document after another with no `---` line between them: kubectl "
                         "does not send it");
    started_ = true;
    lastStart_ = m;
    anchors_.clear();
    open_.clear();
    stack_.clear();
    documentAdded_ = 0;
    top_ = TopLevel{};
  }
  void OnDocumentEnd() override { pieceHasDocument_ = true; }

  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    if (passedPending(m) || tabBeforeNode(m)) return;
    if (expectingKey()) {
      fail(m, std::string(policy::kNullKeyError));
      return;
    }
    if (!stack_.empty() && stack_.back().isMap && m.pos == keyStart_) {
      fail(m, std::string(policy::kKeyWithoutColonError));
      return;
    }
    // An empty entry (`[1, , 2]`): yaml-cpp places its null at the ',' or ']' after it, where a
    // `~` has its own position. kubectl refuses it; an anchored one (`[1, &a , 2]`) it reads.
    if (!anchor && !stack_.empty() && stack_.back().flowSequence && byteAt_) {
      const int c = byteAt_(static_cast<std::size_t>(m.pos));
      if (c == ',' || c == ']') {
        fail(m, "an empty entry in a flow sequence (kubectl: did not find expected node content)");
        return;
      }
    }
    complete(json::Value::null(), "", anchor, m);
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor,
                const std::string& read) override {
    if (passedPending(m) || tabBeforeNode(m) || slashEscaped(m, tag, read)) return;
    if (expectingKey()) keyStart_ = m.pos;
    // The stream is UTF-8 by the time yaml-cpp reads it (KubectlDecoding): a byte that is not
    // came from yaml-cpp's reading of `\N` or `\_`.
    std::optional<std::string> restored = policy::restoreNelAndNbspEscapes(read);
    // yaml-cpp drops line breaks at the end of some quoted and folded scalars (plain ones have
    // none there).
    if (!isPlain(tag))
      if (std::optional<std::string> whole = restoreTrailingBreaks(
              restored ? *restored : read, static_cast<std::size_t>(m.pos), byteAt_))
        restored = std::move(whole);
    const std::string& scalar = restored ? *restored : read;
    // `a:` before `,`, `]` or `}` in a flow collection is one scalar to kubectl: a key, or the
    // whole of what yaml-cpp reads as a pair in a flow sequence (cli/yaml_flow_colon.h).
    std::optional<std::string> withColon;
    if (expectingKey() && stack_.back().flowMap &&
        (withColon = colonClosedPlainScalar(scalar, static_cast<std::size_t>(m.pos), byteAt_)))
      stack_.back().pairIsScalar = stack_.back().implicitPair;
    const std::string& value = withColon ? *withColon : scalar;
    // What else is not UTF-8 would be yaml-cpp's own doing (a stream it decoded from UTF-16).
    if (auto fault = base::findInvalidUtf8(value)) {
      fail(m, fault->message);
      return;
    }
    if (expectingKey() && isPlain(tag) && policy::isUnsignedOnlyKey(value)) {
      fail(m, std::string(policy::kUnsignedKeyError));
      return;
    }
    if (expectingKey() && policy::isMergeKey(tag, value)) {
      complete(json::Value::string(value), value, anchor, m);
      if (!failed()) stack_.back().merging = true;
    } else if (!isPlain(tag)) {
      base::Result<json::Value> tagged = policy::resolveTaggedScalar(tag, value);
      if (!tagged.ok()) {
        fail(m, tagged.error);
        return;
      }
      complete(std::move(tagged.value), value, anchor, m);
    } else if (expectingKey() && !anchor) {
      complete(json::Value(), policy::resolvePlainKey(value), anchor, m);
    } else {
      std::string error;
      json::Value plain = policy::resolvePlainScalar(value, error);
      if (!error.empty()) {
        fail(m, error);
        return;
      }
      complete(std::move(plain), anchor ? policy::resolvePlainKey(value) : std::string(), anchor,
               m);
    }
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    if (failed() || passedPending(m) || tabBeforeNode(m)) return;
    if (open_.count(anchor)) {
      fail(m, "an alias inside the node it refers to (a cycle)");
      return;
    }
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      complete(json::Value::null(), "", 0, m);
      return;
    }
    // An anchored value is null only when it was YAML's null (keys are stored resolved).
    const json::Value& anchored = it->second.value;
    if (expectingKey() && (anchored.isNull() || anchored.isObject() || anchored.isArray())) {
      fail(m, std::string(anchored.isNull() ? policy::kNullKeyError : policy::kCollectionKeyError));
      return;
    }
    documentAdded_ += it->second.nodes;
    fileAdded_ += it->second.nodes;
    if (documentAdded_ > policy::kMaxAliasNodesPerDocument) {
      fail(m, "aliases expand to more than " + std::to_string(policy::kMaxAliasNodesPerDocument) +
                  " nodes in one document");
      return;
    }
    if (fileAdded_ > policy::kMaxAliasNodesPerFile) {
      fail(m, "aliases expand to more than " + std::to_string(policy::kMaxAliasNodesPerFile) +
                  " nodes in one file");
      return;
    }
    json::Value copy = it->second.value;
    std::string key = it->second.keyText;
    complete(std::move(copy), key, 0, m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    if (passedPending(m) || tabBeforeNode(m)) return;
    Frame f;
    f.value = json::Value::array({});
    f.flowSequence = style == YAML::EmitterStyle::Flow;
    f.line = m.line + 1;
    f.column = m.column + 1;
    f.anchor = anchor;
    // A List's items, handed over one by one: any top-level `items` sequence (see the header).
    // An anchored one is kept whole, for its aliases; the document is a List all the same
    // (resources.cc).
    f.streamItems = stack_.size() == 1 && stack_[0].isMap && stack_[0].haveKey &&
                    stack_[0].key == "items" && !anchor;
    if (f.streamItems) top_.streamed = true;
    push(std::move(f));
  }
  void OnSequenceEnd() override { pop(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    if (passedPending(m) || tabBeforeNode(m)) return;
    Frame f;
    f.value = json::Value::object({});
    f.isMap = true;
    f.flowMap = style == YAML::EmitterStyle::Flow;
    // A pair in a flow sequence (`[a: 1]`) is a mapping without braces (or `?`, `[? a: 1]`).
    if (f.flowMap && !stack_.empty() && stack_.back().flowSequence && byteAt_) {
      const int first = byteAt_(nodeTextStart(static_cast<std::size_t>(m.pos), byteAt_));
      f.implicitPair = first != '{' && first != '?';
    }
    f.line = m.line + 1;
    f.column = m.column + 1;
    f.anchor = anchor;
    push(std::move(f));
  }
  void OnMapEnd() override { pop(); }

 private:
  struct Frame {
    json::Value value;
    bool isMap = false;
    bool flowSequence = false;  // `[...]`
    bool flowMap = false;       // `{...}`, or a pair in a flow sequence
    bool implicitPair = false;  // the second
    bool pairIsScalar = false;  // and it is kubectl's scalar `a:` (its key's text)
    int line = 0, column = 0;   // where it starts, 1-based
    YAML::anchor_t anchor = 0;
    bool haveKey = false;  // a map's key read, its value not yet
    bool merging = false;  // that key is the merge key `<<`
    std::string key;
    bool streamItems = false;
    YamlMembers members;  // a map's
  };
  struct Anchored {
    json::Value value;
    std::string keyText;
    std::uint64_t nodes = 1;
  };
  // What the document's top-level mapping said so far.
  struct TopLevel {
    bool streamed = false;  // its items were handed over as a List's
  };

  // Whether the scalar at `m` is double-quoted and holds `\/`, which yaml-cpp reads as `/` and
  // kubectl refuses (YAML 1.1 has no such escape); then the document fails there. The bytes are
  // looked at only when the value has a `/` and a backslash was read since the scalar began.
  bool slashEscaped(const YAML::Mark& m, const std::string& tag, const std::string& read) {
    if (isPlain(tag) || !byteAt_ || failed() || read.find('/') == std::string::npos) return false;
    const std::size_t backslash = lastBackslash_ ? lastBackslash_() : 0;
    if (backslash == SIZE_MAX || backslash < static_cast<std::size_t>(m.pos)) return false;
    const std::optional<YAML::Mark> at = slashEscapeIn(m, byteAt_);
    if (at)
      fail(*at,
           "`\\/` in a double-quoted scalar, an escape YAML 1.1 does not have (kubectl: found "
           "unknown escape character)");
    return at.has_value();
  }

  // Whether a tab comes between the node at `m`, in a block collection, and what it follows,
  // where kubectl's reader allows none: after `-`, `?` or an explicit value's `:` (`-<tab>a`,
  // `- <tab>a`, `-<tab># c`, `?<tab>k`), and at the start of a line in between, blank or a
  // comment (`key:`, a line holding a tab, the value). kubectl refuses the file ("found character
  // that cannot start any token"); yaml-cpp refuses tabs before keys and indicators at the start
  // of a line, but reads these. Then the document fails at the node.
  bool tabBeforeNode(const YAML::Mark& m) {
    if (stack_.empty() || !byteAt_ || failed()) return false;
    if (firstTab_ && firstTab_() >= static_cast<std::size_t>(m.pos)) return false;
    const Frame& parent = stack_.back();
    if (parent.flowSequence || parent.flowMap) return false;
    // A key is read by yaml-cpp from the start of its line: only a `?` before it is left.
    const bool key = parent.isMap && !parent.haveKey;
    const bool tab = tabBefore(static_cast<std::size_t>(m.pos), !key, byteAt_);
    if (tab)
      fail(m,
           "a tab after `-`, `?` or `:` before a node, or at the start of a line before it "
           "(kubectl: found character that cannot start any token)");
    return tab;
  }
  bool expectingKey() const {
    return !stack_.empty() && stack_.back().isMap && !stack_.back().haveKey;
  }

  void push(Frame f) {
    if (f.anchor) open_[f.anchor] = true;
    stack_.push_back(std::move(f));
  }

  void pop() {
    if (stack_.empty()) return;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.anchor) open_.erase(f.anchor);
    // `[a:]`: the string "a:", where yaml-cpp read a mapping (of the key "a:", kubectl's scalar).
    if (f.pairIsScalar && f.value.size() == 1 && f.value.asObject()[0].value.isNull())
      f.value = json::Value::string(std::string(f.value.asObject()[0].key));
    YAML::Mark m;
    m.line = f.line - 1;
    m.column = f.column - 1;
    complete(std::move(f.value), "", f.anchor, m);
  }

  // An event past the line of a substituted entry that was not placed: its placeholder was read
  // as something other than a sequence entry. Cannot happen for the entries the splitter cuts;
  // checked so that it could never go unnoticed.
  bool passedPending(const YAML::Mark& m) {
    if (pending_.empty() || m.line + 1 <= pending_.front().line) return false;
    misplaced(pending_.front().line);
    return true;
  }
  void misplaced(int line) {
    YAML::Mark m;
    m.line = line - 1;
    fail(m,
         "the List entry on this line, read apart, did not fit back in its List (a billet "
         "bug: please report it)");
  }

  void complete(json::Value v, const std::string& keyText, YAML::anchor_t anchor,
                const YAML::Mark& m) {
    if (failed()) return;
    if (!pending_.empty() && pending_.front().line == m.line + 1 && v.isNull() && !anchor &&
        !stack_.empty() && !stack_.back().isMap) {
      v = std::move(pending_.front().value);  // a placeholder's null: the entry read apart
      pending_.pop_front();
    }
    if (anchor) anchors_[anchor] = Anchored{v, keyText, nodeCount(v)};
    if (stack_.empty()) {
      finishDocument(std::move(v), inputLine(m.line + 1));
      return;
    }
    Frame& parent = stack_.back();
    if (parent.isMap && !parent.haveKey) {
      if (v.isObject() || v.isArray()) {
        fail(m, std::string(policy::kCollectionKeyError));
        return;
      }
      parent.key = keyText;
      parent.haveKey = true;
      return;
    }
    if (parent.isMap) {
      parent.haveKey = false;
      if (parent.merging) {
        parent.merging = false;
        merge(parent, std::move(v), m);
        return;
      }
      parent.members.add(parent.value.asObject(), std::move(parent.key), std::move(v));
      return;
    }
    if (parent.streamItems) {
      if (!dropped_) callbacks_.listItem(std::move(v), inputLine(m.line + 1));
      return;
    }
    parent.value.push(std::move(v));
  }

  // The value of a merge key (`<<: *defaults`): its members where the key is, as kubectl adds
  // them (policy::addMergedMembers).
  void merge(Frame& into, json::Value v, const YAML::Mark& m) {
    const bool merged = policy::addMergedMembers(v, [&](std::string key, json::Value value) {
      into.members.add(into.value.asObject(), std::move(key), std::move(value));
    });
    if (!merged) fail(m, std::string(policy::kMergeValueError));
  }

  void finishDocument(json::Value v, int line) {
    if (v.isNull()) return;  // an empty document, e.g. after a final "---"
    if (dropped_) return;
    if (top_.streamed) {
      callbacks_.list(line);
      return;
    }
    callbacks_.document(std::move(v), line);
  }

  void fail(const YAML::Mark& m, std::string message) {
    if (failed()) return;
    error_ = {inputLine(m.line + 1), m.column + 1, "", "invalid YAML: " + std::move(message)};
  }

  struct Pending {
    int line;
    json::Value value;
  };

  int inputLine(int line) const { return inputLine_ ? inputLine_(line) : line; }

  const YamlStreamCallbacks& callbacks_;
  std::deque<Pending> pending_;
  std::function<int(int)> inputLine_;
  YamlStreamError error_;
  bool started_ = false;
  YAML::Mark lastStart_;
  std::vector<Frame> stack_;
  // Where the last scalar key began: a null value placed there had no `:` before it.
  int keyStart_ = -1;
  std::function<int(std::size_t)> byteAt_;
  std::function<std::size_t()> firstTab_;
  std::function<std::size_t()> lastBackslash_;
  bool pieceHasDocument_ = false;       // a document read since the last `---` line
  bool failedAtDocumentStart_ = false;  // what failed was a document's start
  struct Separator {
    int line = -2;      // a `---` line (0-based)
    bool kept = false;  // kept in the piece it begins, or cut away (see OnDocumentStart)
  };
  Separator lastSeparator_;
  bool dropped_ = false;  // the document being read is one kubectl does not send
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
  std::unordered_map<YAML::anchor_t, bool> open_;
  std::uint64_t documentAdded_ = 0, fileAdded_ = 0;
  TopLevel top_;
};

// Reads a memory range as a stream, without copying it.
class MemoryInput : public std::streambuf {
 public:
  explicit MemoryInput(std::string_view text) {
    char* p = const_cast<char*>(text.data());  // only read
    setg(p, p, p + text.size());
  }
};

// One candidate List entry (yaml_list_split.h), parsed alone on a worker thread: true, with its
// value, when it reads as one entry of a List's items, starting on its first line, with the line
// that ended it in the stream after it, and nothing in it could refer outside it.
//
// Why the next line: yaml-cpp ends a quoted scalar or a flow collection left open at the end of
// its input quietly, while in the stream it would run on into the next lines; and on some
// invalid text (a plain scalar over several lines as a key) whether it fails depends on what
// comes next. With the real next line after it, the entry is read as the reader would read it.
// "Nothing outside": no anchor or alias; "&" and "*" anywhere send the entry to the reader.
bool parseListEntry(const YamlPiece& entry, json::Value& item) {
  // Most entries are in the part of YAML readBlockEntry reads, without yaml-cpp and 5-10 times
  // faster; it gives up on the others, which yaml-cpp reads below.
  if (readBlockEntry(entry.text, item)) return true;
  if (entry.text.find_first_of("&*") != std::string::npos) return false;
  std::string text = "items:\n";
  text += entry.text;  // ends with its line break, unless it ends the stream (and so this text)
  int lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  text += entry.follow;
  const bool nextIsEntry = !entry.follow.empty();

  int items = 0;
  bool placed = true;
  YamlStreamCallbacks callbacks;
  callbacks.listItem = [&](json::Value v, int at) {
    ++items;
    if (items == 1) {
      placed = placed && at == 2;
      item = std::move(v);
    } else {
      placed = placed && items == 2 && nextIsEntry && at == lines + 1;
    }
  };
  // What the document as a whole is (a List or not) is for the reader to say.
  callbacks.document = [](json::Value, int) {};
  callbacks.list = [](int) {};
  callbacks.error = [](const YamlStreamError&) {};
  Builder builder(callbacks);
  builder.textAt([&text](std::size_t pos) {
    return pos < text.size() ? static_cast<unsigned char>(text[pos]) : -1;
  });
  const std::size_t firstTab = text.find('\t');
  builder.firstTabAt([firstTab] { return firstTab == std::string::npos ? SIZE_MAX : firstTab; });
  const std::size_t lastBackslash = text.rfind('\\');
  builder.lastBackslashAt(
      [lastBackslash] { return lastBackslash == std::string::npos ? SIZE_MAX : lastBackslash; });
  try {
    MemoryInput memory(text);
    std::istream in(&memory);
    YAML::Parser parser(in);
    while (!builder.failed() && parser.HandleNextDocument(builder)) {
    }
  } catch (const std::exception&) {
    return false;  // the reader, reading it in place, reports what is wrong
  }
  return !builder.failed() && placed && items == (nextIsEntry ? 2 : 1);
}

// The reader itself, on a stream whose control characters readYamlStream checks.
bool readCheckedYamlStream(std::istream& in, const YamlStreamCallbacks& callbacks,
                           YamlStreamError& error, int workers) {
  Builder builder(callbacks);
  std::optional<ParallelYamlSource> parallel;
  std::optional<std::istream> parallelIn;
  std::istream* source = &in;
  if (workers > 1) {
    parallel.emplace(in, workers, parseListEntry, [&builder](int line, json::Value item) {
      builder.substitute(line, std::move(item));
    });
    builder.mapLines([source = &*parallel](int line) { return source->inputLine(line); });
    parallelIn.emplace(&*parallel);
    source = &*parallelIn;
  }
  // A line of the text the parser read, as a line of the input.
  auto inputLine = [&parallel](int line) { return parallel ? parallel->inputLine(line) : line; };
  RecentBytes recent(source->rdbuf());
  std::istream parserIn(&recent);
  builder.textAt([&recent](std::size_t pos) { return recent.at(pos); });
  builder.firstTabAt([&recent] { return recent.firstTab(); });
  builder.lastBackslashAt([&recent] { return recent.lastBackslash(); });
  bool stopped = false;  // by yaml-cpp
  try {
    YAML::Parser parser(parserIn);
    while (!builder.failed() && parser.HandleNextDocument(builder)) {
    }
    builder.checkAllPlaced();
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth guard reports "bad file"; say what happened.
    error = {e.mark.is_null() ? 0 : inputLine(e.mark.line + 1),
             e.mark.is_null() ? 0 : e.mark.column + 1, "",
             "invalid YAML: nested deeper than " + std::to_string(e.depth()) + " levels"};
    stopped = true;
  } catch (const YAML::Exception& e) {
    error = {e.mark.is_null() ? 0 : inputLine(e.mark.line + 1),
             e.mark.is_null() ? 0 : e.mark.column + 1, "", "invalid YAML: " + base::oneLine(e.msg)};
    stopped = true;
  }
  // What the reader refused at a document's start (its `---` line, the directives before it)
  // is earlier in the text than what then stopped yaml-cpp, and is what kubectl names: `--- x`
  // and a mapping is a node on the `---` line, not the mapping yaml-cpp could not place after it.
  // Elsewhere yaml-cpp's own error is the one to give: the events it gave on its way to it may
  // not be the text's.
  if (builder.failed() && (!stopped || builder.failedAtDocumentStart())) {
    error = builder.error();
    return false;
  }
  return !stopped;
}

}  // namespace

bool readYamlStream(std::istream& input, const YamlStreamCallbacks& callbacks,
                    YamlStreamError& error, int workers) {
  // The bytes as kubectl's decoding leaves them (U+FFFD for bytes that are not UTF-8, NEL as a
  // line feed: yaml_kubectl_decoding.h); then kubectl refuses a document holding a control
  // character, and the check reads the bytes before the reader does (yaml_control_characters.h).
  KubectlDecoding decoding(input.rdbuf());
  // kubectl's `---` lines: the stream ends before one it refuses (yaml_kubectl_separators.h).
  KubectlSeparators separators(&decoding);
  ControlCharacterCheck check(&separators);
  std::istream in(&check);
  HeldCallbacks held(callbacks, check);
  const bool ok = held.finish(readCheckedYamlStream(in, held.callbacks(), error, workers), error);
  // kubectl refuses the line before it reads the piece of the stream the line is in: what the
  // reader said about that piece (or about the end it met at the line) is not what kubectl says.
  const YamlStreamError& refused = separators.refused();
  if (refused.line > 0 && (ok || error.line > separators.refusedPieceStart())) {
    error = refused;
    return false;
  }
  return ok;
}

int yamlReadWorkers() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores <= 1 ? 1 : static_cast<int>(std::min(cores, 8u));
}

}  // namespace billet::cli
