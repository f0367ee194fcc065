#include "cli/args.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

using billet::cli::ArgParser;
using billet::cli::FlagSpec;
using billet::cli::ParsedArgs;

namespace {

ArgParser parser() {
  return ArgParser("billet lint [flags] FILE...",
                   {{"policies", 'p', true, true, "policy files or directories", "PATH"},
                    {"output", 'o', true, false, "text, json or sarif", "FORMAT"},
                    {"explain", 0, false, false, "say which rule changed which field", ""},
                    {"verbose", 'v', false, false, "more detail", ""},
                    {"namespace", 0, true, false, "the namespace to assume", ""}});
}

struct Parsed {
  std::optional<ParsedArgs> args;
  std::string error;
  bool help = false;
};

Parsed parse(std::vector<std::string> argv) {
  Parsed p;
  p.args = parser().parse(argv, p.error, p.help);
  return p;
}

}  // namespace

TEST_CASE("args: long, =, and short forms give the same values") {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"--output", "json"}, {"--output=json"}, {"-o", "json"}}) {
    const Parsed p = parse(argv);
    REQUIRE(p.args);
    CHECK(p.error.empty());
    CHECK(p.args->get("output") == std::optional<std::string>("json"));
  }
}

TEST_CASE("args: an inline value keeps everything after the first =") {
  const Parsed p = parse({"--namespace=a=b", "--output="});
  REQUIRE(p.args);
  CHECK(p.args->get("namespace", "") == "a=b");
  CHECK(p.args->get("output") == std::optional<std::string>(""));
  CHECK(p.args->has("output"));
}

TEST_CASE("args: repeatable flags keep every value in order, others keep one") {
  const Parsed p = parse({"-p", "a.yaml", "--policies", "dir/", "--policies=b.yaml"});
  REQUIRE(p.args);
  CHECK(p.args->all("policies") == std::vector<std::string>{"a.yaml", "dir/", "b.yaml"});
  CHECK(p.args->get("policies") == std::optional<std::string>("b.yaml"));  // the last one

  const Parsed twice = parse({"--output", "json", "-o", "text"});
  CHECK_FALSE(twice.args);
  CHECK(twice.error == "--output given more than once");
}

TEST_CASE("args: booleans are \"true\" when given and take no value") {
  const Parsed p = parse({"--explain", "-v", "pod.yaml"});
  REQUIRE(p.args);
  CHECK(p.args->get("explain", "false") == "true");
  CHECK(p.args->get("verbose", "false") == "true");
  CHECK(p.args->positionals() == std::vector<std::string>{"pod.yaml"});  // not -v's value

  const Parsed valued = parse({"--explain=yes"});
  CHECK_FALSE(valued.args);
  CHECK(valued.error == "--explain takes no value");
}

TEST_CASE("args: absent flags: has() false, get() nullopt or the fallback, all() empty") {
  const Parsed p = parse({});
  REQUIRE(p.args);
  CHECK_FALSE(p.args->has("output"));
  CHECK_FALSE(p.args->get("output"));
  CHECK(p.args->get("output", "text") == "text");
  CHECK(p.args->all("policies").empty());
  CHECK(p.args->all("no-such-flag").empty());
  CHECK(p.args->positionals().empty());
}

TEST_CASE("args: positionals in order, around flags, with - for stdin") {
  const Parsed p = parse({"a.yaml", "-p", "pol/", "-", "b.yaml"});
  REQUIRE(p.args);
  CHECK(p.args->positionals() == std::vector<std::string>{"a.yaml", "-", "b.yaml"});
  CHECK(p.args->all("policies") == std::vector<std::string>{"pol/"});
}

TEST_CASE("args: a value is taken as given, even when it looks like a flag") {
  const Parsed p = parse({"--namespace", "--output"});
  REQUIRE(p.args);
  CHECK(p.args->get("namespace", "") == "--output");
  CHECK_FALSE(p.args->has("output"));
}

TEST_CASE("args: unknown flags are errors that name the flag") {
  const Parsed longForm = parse({"pod.yaml", "--polices", "x"});
  CHECK_FALSE(longForm.args);
  CHECK(longForm.error == "unknown flag --polices");

  const Parsed inlineForm = parse({"--format=json"});
  CHECK_FALSE(inlineForm.args);
  CHECK(inlineForm.error == "unknown flag --format");

  const Parsed shortForm = parse({"-x"});
  CHECK_FALSE(shortForm.args);
  CHECK(shortForm.error == "unknown flag -x");
}

TEST_CASE("args: a short flag glued to its value or to other flags is an error, not a file") {
  const Parsed glued = parse({"-pfoo", "pod.yaml"});
  CHECK_FALSE(glued.args);
  CHECK(glued.error == "unknown flag -pfoo (a short flag's value is the next argument: -p foo)");

  const Parsed combined = parse({"-vq", "pod.yaml"});
  CHECK_FALSE(combined.args);
  CHECK(combined.error == "unknown flag -vq");

  // "-" alone is still standard input.
  const Parsed stdinOnly = parse({"-"});
  REQUIRE(stdinOnly.args);
  CHECK(stdinOnly.args->positionals() == std::vector<std::string>{"-"});
}

TEST_CASE("args: a flag at the end without its value is an error") {
  const Parsed p = parse({"pod.yaml", "--output"});
  CHECK_FALSE(p.args);
  CHECK(p.error == "--output needs a value");

  const Parsed shortForm = parse({"-p"});
  CHECK_FALSE(shortForm.args);
  CHECK(shortForm.error == "--policies needs a value");
}

TEST_CASE("args: --help and -h ask for help wherever they are, before any error") {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"--help"}, {"-o", "json", "-h"}, {"-h", "--no-such-flag"}}) {
    const Parsed p = parse(argv);
    CHECK(p.help);
    CHECK(p.args);
    CHECK(p.error.empty());
  }
  const Parsed after = parse({"--no-such-flag", "-h"});  // the error comes first here
  CHECK_FALSE(after.help);
  CHECK(after.error == "unknown flag --no-such-flag");
}

TEST_CASE("args: help lists every flag with its short form, value name and help, aligned") {
  CHECK(parser().help() ==
        "usage: billet lint [flags] FILE...\n"
        "\n"
        "flags:\n"
        "  -p, --policies PATH              policy files or directories (repeatable)\n"
        "  -o, --output FORMAT              text, json or sarif\n"
        "      --explain                    say which rule changed which field\n"
        "  -v, --verbose                    more detail\n"
        "      --namespace VALUE            the namespace to assume\n");
}

TEST_CASE("args: help without flags is the usage line alone") {
  CHECK(ArgParser("billet version", {}).help() == "usage: billet version\n");
}
