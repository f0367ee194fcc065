// Structured logs: one JSON object per line on stdout, `ts`, `level`, `msg`, then fields.
//
//   log.info("policies reloaded", {{"policies", 12}, {"files", "manifests/policies"}});
//
// Lines are written whole (one write per line, under a lock) so that concurrent threads never
// interleave. Levels below the configured one cost a comparison. A text field longer than
// maxFieldBytes (1 KiB by default) is cut on a UTF-8 character boundary and marked with its whole
// size, `…(4194304 bytes)`: a client's 4 MB container name, quoted in a policy message, must not
// make megabytes of log per request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace billet::base {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
std::optional<LogLevel> parseLogLevel(std::string_view s);  // debug, info, warn, error
std::string_view name(LogLevel level);

// A field value: text, integer, or boolean.
struct LogValue {
  std::variant<std::string_view, std::int64_t, bool> v;
  LogValue(std::string_view s) : v(s) {}  // NOLINT: implicit by design
  LogValue(const std::string& s) : v(std::string_view(s)) {}
  LogValue(const char* s) : v(std::string_view(s)) {}
  LogValue(int i) : v(static_cast<std::int64_t>(i)) {}
  LogValue(long i) : v(static_cast<std::int64_t>(i)) {}
  LogValue(long long i) : v(static_cast<std::int64_t>(i)) {}
  LogValue(unsigned i) : v(static_cast<std::int64_t>(i)) {}
  LogValue(unsigned long i) : v(static_cast<std::int64_t>(i)) {}
  LogValue(bool b) : v(b) {}
};
using LogField = std::pair<std::string_view, LogValue>;

inline constexpr std::size_t kMaxLogFieldBytes = 1024;

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo, std::FILE* out = stdout,
                  std::size_t maxFieldBytes = kMaxLogFieldBytes)
      : level_(level), out_(out), maxFieldBytes_(maxFieldBytes) {}
  bool enabled(LogLevel level) const { return level >= level_; }
  void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
  // Lifecycle lines (serving, draining, stopped): written whatever the level, since tools and
  // operators rely on them (the bound port is in the `serving` line).
  void always(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
  void debug(std::string_view msg, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kDebug, msg, f);
  }
  void info(std::string_view msg, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kInfo, msg, f);
  }
  void warn(std::string_view msg, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kWarn, msg, f);
  }
  void error(std::string_view msg, std::initializer_list<LogField> f = {}) {
    log(LogLevel::kError, msg, f);
  }

 private:
  void write(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields);
  LogLevel level_;
  std::FILE* out_;
  std::size_t maxFieldBytes_;
  std::mutex mu_;
};

}  // namespace billet::base
