#include "base/logging.h"

#include <chrono>
#include <ctime>

#include "base/text.h"

namespace billet::base {

std::optional<LogLevel> parseLogLevel(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info") return LogLevel::kInfo;
  if (s == "warn" || s == "warning") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return std::nullopt;
}

std::string_view name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

namespace {

// RFC 3339 UTC with milliseconds: 2026-11-22T10:00:00.123Z
void appendTimestamp(std::string& out) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  out += buf;
}

// `s` as a JSON string, cut to at most `max` bytes of it on a UTF-8 character boundary and
// marked with its whole size when longer.
void appendBounded(std::string& out, std::string_view s, std::size_t max) {
  if (s.size() <= max) return appendJsonString(out, s);
  std::size_t cut = max;
  // Back off continuation bytes (10xxxxxx) so that no character is split.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  appendJsonString(out, s.substr(0, cut));
  out.pop_back();          // the closing quote: the mark goes inside the string
  out += "\xe2\x80\xa6(";  // …
  out += std::to_string(s.size());
  out += " bytes)\"";
}

}  // namespace

void Logger::log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (enabled(level)) write(level, msg, fields);
}

void Logger::always(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  write(level, msg, fields);
}

void Logger::write(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  std::string line;
  line.reserve(160);
  line += "{\"ts\":\"";
  appendTimestamp(line);
  line += "\",\"level\":\"";
  line += name(level);
  line += "\",\"msg\":";
  appendJsonString(line, msg);
  for (const auto& [key, value] : fields) {
    line += ',';
    appendJsonString(line, key);
    line += ':';
    if (const auto* s = std::get_if<std::string_view>(&value.v)) {
      appendBounded(line, *s, maxFieldBytes_);
    } else if (const auto* i = std::get_if<std::int64_t>(&value.v)) {
      line += std::to_string(*i);
    } else {
      line += std::get<bool>(value.v) ? "true" : "false";
    }
  }
  line += "}\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace billet::base
