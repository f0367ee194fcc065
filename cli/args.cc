#include "cli/args.h"

namespace billet::cli {

std::optional<std::string> ParsedArgs::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

const std::vector<std::string>& ParsedArgs::all(const std::string& name) const {
  static const std::vector<std::string> kEmpty;
  auto it = values_.find(name);
  return it == values_.end() ? kEmpty : it->second;
}

const FlagSpec* ArgParser::find(const std::string& longName) const {
  for (const FlagSpec& f : flags_)
    if (f.longName == longName) return &f;
  return nullptr;
}

const FlagSpec* ArgParser::find(char shortName) const {
  for (const FlagSpec& f : flags_)
    if (f.shortName && f.shortName == shortName) return &f;
  return nullptr;
}

std::optional<ParsedArgs> ArgParser::parse(const std::vector<std::string>& args, std::string& error,
                                           bool& helpRequested) const {
  ParsedArgs out;
  helpRequested = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      helpRequested = true;
      return out;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inlineValue;
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inlineValue = name.substr(eq + 1);
        name.resize(eq);
      }
      spec = find(name);
      if (!spec) {
        error = "unknown flag --" + name;
        return std::nullopt;
      }
    } else if (a.size() == 2 && a[0] == '-' && a[1] != '-') {
      spec = find(a[1]);
      if (!spec) {
        error = "unknown flag " + a;
        return std::nullopt;
      }
    } else if (a.size() > 2 && a[0] == '-' && a[1] != '-') {
      // "-pfoo" or "-vq": billet's short flags neither glue their value nor combine; taking it
      // for a file name would hide the mistake.
      error = "unknown flag " + a;
      if (const FlagSpec* f = find(a[1]); f && f->takesValue)
        error += " (a short flag's value is the next argument: -" + std::string(1, a[1]) + " " +
                 a.substr(2) + ")";
      return std::nullopt;
    } else {
      out.positionals_.push_back(a);  // includes "-" for stdin
      continue;
    }
    std::vector<std::string>& slot = out.values_[spec->longName];
    if (!spec->repeatable && !slot.empty()) {
      error = "--" + spec->longName + " given more than once";
      return std::nullopt;
    }
    if (!spec->takesValue) {
      if (inlineValue) {
        error = "--" + spec->longName + " takes no value";
        return std::nullopt;
      }
      slot.push_back("true");
      continue;
    }
    if (inlineValue) {
      slot.push_back(*inlineValue);
    } else if (i + 1 < args.size()) {
      slot.push_back(args[++i]);
    } else {
      error = "--" + spec->longName + " needs a value";
      return std::nullopt;
    }
  }
  return out;
}

std::string ArgParser::help() const {
  std::string out = "usage: " + usage_ + "\n";
  if (!flags_.empty()) out += "\nflags:\n";
  for (const FlagSpec& f : flags_) {
    std::string left = "  ";
    left += f.shortName ? std::string("-") + f.shortName + ", " : "    ";
    left += "--" + f.longName;
    if (f.takesValue) left += " " + (f.valueName.empty() ? std::string("VALUE") : f.valueName);
    if (left.size() < 34) left.resize(34, ' ');
    out += left + " " + f.help + (f.repeatable ? " (repeatable)" : "") + "\n";
  }
  return out;
}

}  // namespace billet::cli
