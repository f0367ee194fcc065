#include "cli/yaml_parallel_source.h"

#include <algorithm>
#include <utility>

namespace billet::cli {
namespace {

constexpr std::size_t kReadBytes = 64u << 10;
constexpr std::size_t kPutBack = 8;

int lineBreaks(std::string_view text) {
  int n = 0;
  for (char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

}  // namespace

ParallelYamlSource::ParallelYamlSource(std::istream& in, int workers, ParseEntry parse,
                                       Substitute substitute)
    : in_(in), workers_(workers), parse_(std::move(parse)), substitute_(std::move(substitute)) {}

ParallelYamlSource::~ParallelYamlSource() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    todo_.clear();  // queued entries are dropped; running ones finish
  }
  todoCv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ParallelYamlSource::startWorkers() {
  threads_.reserve(static_cast<std::size_t>(workers_));
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { work(); });
}

void ParallelYamlSource::work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    todoCv_.wait(lock, [this] { return stopping_ || !todo_.empty(); });
    if (stopping_) return;
    Job* job = todo_.front();
    todo_.pop_front();
    lock.unlock();
    json::Value item;
    const bool ok = parse_(job->piece, item);
    lock.lock();
    job->ok = ok;
    job->item = std::move(item);
    job->done = true;
    doneCv_.notify_all();
  }
}

void ParallelYamlSource::enqueue(std::vector<YamlPiece>& pieces) {
  for (YamlPiece& piece : pieces) {
    Slot slot;
    slot.bytes = piece.text.size();
    bytesAhead_ += slot.bytes;
    if (piece.entry && !asWritten_) {
      if (threads_.empty()) startWorkers();
      slot.job = std::make_unique<Job>();
      slot.job->piece = std::move(piece);
      {
        std::lock_guard<std::mutex> lock(mu_);
        todo_.push_back(slot.job.get());
      }
      todoCv_.notify_one();
    } else {
      slot.text = std::move(piece.text);
      slot.documentStart = piece.documentStart;
    }
    slots_.push_back(std::move(slot));
  }
  pieces.clear();
}

void ParallelYamlSource::readAhead() {
  std::vector<YamlPiece> pieces;
  char buffer[kReadBytes];
  while (!eof_ && slots_.size() < kWindow && bytesAhead_ < kWindowBytes) {
    const std::streamsize n = in_.rdbuf()->sgetn(buffer, sizeof buffer);
    if (n <= 0) {
      eof_ = true;
      if (!partial_.empty()) splitter_.feed(partial_, pieces);
      partial_.clear();
      splitter_.finish(pieces);
      enqueue(pieces);
      return;
    }
    std::string_view block(buffer, static_cast<std::size_t>(n));
    while (!block.empty()) {
      const std::size_t newline = block.find('\n');
      if (newline == std::string_view::npos) {
        partial_.append(block);
        // A line longer than any entry may be: stop cutting, and hand the rest over as read.
        if (partial_.size() > YamlListSplitter::kMaxEntryBytes) {
          splitter_.abandon(pieces);
          splitter_.feed(partial_, pieces);
          splitter_.finish(pieces);
          partial_.clear();
        }
        break;
      }
      if (partial_.empty()) {
        splitter_.feed(block.substr(0, newline + 1), pieces);
      } else {
        partial_.append(block.substr(0, newline + 1));
        splitter_.feed(partial_, pieces);
        partial_.clear();
      }
      block.remove_prefix(newline + 1);
    }
    enqueue(pieces);
  }
}

void ParallelYamlSource::mapFrom(int readLine, int inputLine) {
  if (!lineMap_.empty() && lineMap_.back().readLine == readLine) {
    lineMap_.back().inputLine = inputLine;
    return;
  }
  lineMap_.push_back({readLine, inputLine});
}

int ParallelYamlSource::inputLine(int readLine) const {
  // The last mapping at or before the line; lines before the first map to themselves.
  auto after = std::upper_bound(lineMap_.begin(), lineMap_.end(), readLine,
                                [](int line, const LineMapping& m) { return line < m.readLine; });
  if (after == lineMap_.begin()) return readLine;
  --after;
  return after->inputLine + (readLine - after->readLine);
}

ParallelYamlSource::int_type ParallelYamlSource::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  // The last bytes read stay in front of the next piece, so that putting back a few characters
  // works across pieces (yaml-cpp reads four and puts them back to detect the encoding).
  const std::size_t keep = std::min<std::size_t>(kPutBack, current_.size());
  std::string putBack = current_.substr(current_.size() - keep);
  for (;;) {
    readAhead();
    if (slots_.empty()) return traits_type::eof();
    Slot slot = std::move(slots_.front());
    slots_.pop_front();
    bytesAhead_ -= slot.bytes;
    if (slot.job) {
      Job& job = *slot.job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        doneCv_.wait(lock, [&job] { return job.done; });
      }
      if (job.ok && !asWritten_) {
        // One line for the whole entry: a null entry, with the entry's last line break.
        const bool lineBreak = !job.piece.text.empty() && job.piece.text.back() == '\n';
        current_ = lineBreak ? "- ~\n" : "- ~";
        substitute_(readLines_ + 1, std::move(job.item));
        mapFrom(readLines_ + 1, job.piece.line);
        if (lineBreak) {  // else it ends the input
          ++readLines_;
          mapFrom(readLines_ + 1, job.piece.line + lineBreaks(job.piece.text));
        }
      } else {
        asWritten_ = true;
        current_ = std::move(job.piece.text);
        readLines_ += lineBreaks(current_);
      }
    } else {
      // A document marker ends whatever an entry read in place left open (yaml-cpp fails on one
      // inside a scalar or a flow collection), so the next document's entries may be used again.
      if (slot.documentStart) asWritten_ = false;
      current_ = std::move(slot.text);
      readLines_ += lineBreaks(current_);
    }
    if (current_.empty()) continue;
    current_.insert(0, putBack);
    setg(current_.data(), current_.data() + putBack.size(), current_.data() + current_.size());
    return traits_type::to_int_type(current_[putBack.size()]);
  }
}

}  // namespace billet::cli
