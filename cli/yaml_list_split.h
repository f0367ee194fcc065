// Cuts a YAML stream, line by line, into the entries of a List as kubectl prints it (a
// column-0 `items:` followed by column-0 `- ` entries) and the text around them, so that the
// entries can be parsed on other threads (yaml_parallel_source.h) while one parser reads the rest.
//
// The cut is conservative, because yaml-cpp is lenient in ways that make some entries depend on
// the text after them. Only documents whose lines before `items:` are plain `key: value` lines,
// blank lines, comments and `---` are cut. An entry is offered only when the next entry's first
// line ends it and every line of it is closed (a block scalar's content, or `key: value`,
// `key:`, `- value` with quotes and flow collections closed on the line: readsAlone); the List's
// last entry, before `kind: List`, is not. From an entry that is not offered to the end of its
// document, everything is text; from a line the splitter cannot place (a lone carriage return
// or another control byte, a UTF-16 or UTF-32 byte-order mark, a line over the size bound, a
// column-0 line inside the sequence that is neither an entry nor a key) to the end of the stream.
// An offered entry is still only a candidate: the reader uses it if parsing it alone, with its
// next line, gives that entry (parseListEntry in yaml_stream.cc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace billet::cli {

struct YamlPiece {
  std::string text;    // whole lines, each with its '\n' (the stream's last may lack it)
  bool entry = false;  // a candidate entry of a column-0 `items:` sequence
  int line = 0;        // 1-based line of its first line
  int lines = 0;       // how many lines it spans
  std::string follow;  // an entry's next line, the next entry's first (empty at the stream's end)
  bool documentStart = false;  // starts with a document marker (`---`, `...`)
};

class YamlListSplitter {
 public:
  // An entry longer than this is not a candidate (it stays text), bounding what one piece holds.
  static constexpr std::size_t kMaxEntryBytes = 4u << 20;

  // One line of the stream, with its '\n' unless it is the last. Finished pieces are appended
  // to `out`; text is handed over in pieces of at most about 64 KiB.
  void feed(std::string_view line, std::vector<YamlPiece>& out);
  // The end of the stream: what is left is appended to `out`.
  void finish(std::vector<YamlPiece>& out);
  // Stops cutting: what is held (an unfinished entry too) is appended to `out` as text, and so
  // is every later line.
  void abandon(std::vector<YamlPiece>& out);

 private:
  // kPreamble: a document's lines before `items:`; kItems: after it, before the first entry;
  // kEntry: in an entry; kTail: the rest of a document, text; kText: the rest of the stream.
  enum class State { kPreamble, kItems, kEntry, kTail, kText };
  void flush(std::vector<YamlPiece>& out);
  void append(std::string_view line, bool entry, std::vector<YamlPiece>& out);
  void toText();
  void startDocument(std::string_view line, std::vector<YamlPiece>& out);

  State state_ = State::kPreamble;
  YamlPiece current_;
  int nextLine_ = 1;
};

}  // namespace billet::cli
