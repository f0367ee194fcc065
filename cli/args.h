// A small, strict command-line parser: `--flag value`, `--flag=value`, `-f value`, booleans,
// repeatable options and positionals. Unknown flags are errors (exit 2), never ignored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace billet::cli {

struct FlagSpec {
  std::string longName;  // "policies"
  char shortName = 0;    // 'p'
  bool takesValue = true;
  bool repeatable = false;
  std::string help;       // one line
  std::string valueName;  // "FILE"
};

class ParsedArgs {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string get(const std::string& name, const std::string& fallback) const;
  const std::vector<std::string>& all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend class ArgParser;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

class ArgParser {
 public:
  ArgParser(std::string usage, std::vector<FlagSpec> flags)
      : usage_(std::move(usage)), flags_(std::move(flags)) {}
  // Returns nullopt and sets `error` on bad usage; sets `helpRequested` on --help/-h.
  std::optional<ParsedArgs> parse(const std::vector<std::string>& args, std::string& error,
                                  bool& helpRequested) const;
  std::string help() const;

 private:
  const FlagSpec* find(const std::string& longName) const;
  const FlagSpec* find(char shortName) const;
  std::string usage_;
  std::vector<FlagSpec> flags_;
};

}  // namespace billet::cli
