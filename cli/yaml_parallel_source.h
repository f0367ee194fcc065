// The text of a YAML stream as the one parser of yaml_stream.cc reads it, while other threads
// parse the entries of its Lists: yaml-cpp spends about two thirds of `lint` on a cluster dump,
// one thread, and the entries of a List are independent of each other.
//
// The stream is cut by YamlListSplitter. Each candidate entry is parsed alone on a worker; when
// that parse succeeds, the reader is handed, in the entry's place, a placeholder of one line
// (`- ~`), and `substitute` receives the entry's value and the placeholder's line just before,
// so that the Builder puts the value where the placeholder's null lands. inputLine() turns the
// lines of the text handed over back into the input's. From the first entry whose parse fails
// (or that refers outside itself) to the end of its document, the text is handed over as
// written and parsed by the reader alone, as without workers: what it says about the text
// (values, errors, positions) is the same.
//
// Bounded: reading ahead stops at kWindow pieces (each an entry, or about 64 KiB of text) or
// kWindowBytes of text, whichever comes first.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "cli/yaml_list_split.h"
#include "json/value.h"

namespace billet::cli {

class ParallelYamlSource : public std::streambuf {
 public:
  // Called on worker threads, at the same time: true, with the value, when the entry stands
  // alone.
  using ParseEntry = std::function<bool(const YamlPiece& entry, json::Value& item)>;
  // Called on the reader's thread, in order, before the placeholder handed over on `line` (of
  // the text handed over, 1-based).
  using Substitute = std::function<void(int line, json::Value item)>;

  static constexpr std::size_t kWindow = 64;
  static constexpr std::size_t kWindowBytes = 4u << 20;

  ParallelYamlSource(std::istream& in, int workers, ParseEntry parse, Substitute substitute);
  ~ParallelYamlSource() override;  // stops the workers; entries not yet parsed are dropped

  // The input's line (1-based) of a line of the text handed over so far.
  int inputLine(int readLine) const;
  ParallelYamlSource(const ParallelYamlSource&) = delete;
  ParallelYamlSource& operator=(const ParallelYamlSource&) = delete;

 protected:
  int_type underflow() override;

 private:
  struct Job {
    YamlPiece piece;
    bool done = false;  // under mu_
    bool ok = false;
    json::Value item;
  };
  struct Slot {
    std::string text;            // text to hand over as written
    bool documentStart = false;  // the text starts a document
    std::unique_ptr<Job> job;    // or an entry being parsed
    std::size_t bytes = 0;       // of input it holds
  };

  struct LineMapping {
    int readLine;   // from this line of the text handed over
    int inputLine;  // the input's lines go on from this one
  };

  void mapFrom(int readLine, int inputLine);
  void readAhead();  // until the window is full, or the input ends
  void enqueue(std::vector<YamlPiece>& pieces);
  void startWorkers();
  void work();

  std::istream& in_;
  int workers_;
  ParseEntry parse_;
  Substitute substitute_;
  YamlListSplitter splitter_;
  std::string partial_;  // the input's last line, until its '\n' arrives
  bool eof_ = false;
  bool asWritten_ = false;  // an entry could not stand alone: its document goes as written
  std::deque<Slot> slots_;
  std::size_t bytesAhead_ = 0;        // input held in slots_
  std::string current_;               // what the reader is reading now
  int readLines_ = 0;                 // line breaks handed over so far
  std::vector<LineMapping> lineMap_;  // where placeholders shift lines, in order

  std::mutex mu_;
  std::condition_variable todoCv_, doneCv_;
  std::deque<Job*> todo_;  // under mu_
  bool stopping_ = false;  // under mu_
  std::vector<std::thread> threads_;
};

}  // namespace billet::cli
