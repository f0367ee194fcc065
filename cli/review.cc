// `billet review`: one AdmissionReview in, exactly the server's response body out.
#include "admission/review.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/args.h"
#include "cli/cluster_flags.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "policy/policy_set.h"

namespace billet::cli {

int review(const Args& args) {
  std::vector<FlagSpec> flags = {
      {"policies", 'p', true, true, "policy files or directories", "PATH"},
      {"endpoint", 0, true, false, "mutate (default) or validate", "NAME"}};
  for (FlagSpec& c : clusterSizeFlags()) flags.push_back(std::move(c));
  ArgParser parser("billet review -p POLICIES... [--endpoint mutate|validate] [FILE|-]", flags);
  std::string error;
  bool help = false;
  auto parsed = parser.parse(args, error, help);
  if (help) {
    std::cout
        << parser.help()
        << "\nPrints the response body byte for byte as POST /mutate or /validate would send it\n"
           "(followed by a newline only when stdout is a terminal).\n";
    return 0;
  }
  if (!parsed) {
    std::cerr << "billet review: " << error << "\n" << parser.help();
    return 2;
  }
  std::string endpoint = parsed->get("endpoint", "mutate");
  if (endpoint != "mutate" && endpoint != "validate") {
    std::cerr << "billet review: --endpoint must be mutate or validate\n" << parser.help();
    return 2;
  }
  if (parsed->all("policies").empty() || parsed->positionals().size() > 1) {
    std::cerr << "billet review: "
              << (parsed->all("policies").empty() ? "-p/--policies is required"
                                                  : "one review file at most")
              << "\n"
              << parser.help();
    return 2;
  }
  std::string input = parsed->positionals().empty() ? "-" : parsed->positionals()[0];
  // Standard input can be read once: policies from it would leave the review nothing to read
  // (which was answered as an empty policy set would be: allowed).
  for (const std::string& p : parsed->all("policies")) {
    if (p == "-" && input == "-") {
      std::cerr << "billet review: standard input (-) is named for the policies and the review; "
                   "it can be read once: give the review as a file\n"
                << parser.help();
      return 2;
    }
  }
  std::string body;
  if (input == "-") {
    body.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      std::cerr << input << ": cannot read file: " << std::strerror(errno) << "\n";
      return 2;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    body = ss.str();
  }
  policy::LoadOptions loadOptions;
  if (!applyClusterSizeFlags(*parsed, loadOptions, error)) {
    std::cerr << "billet review: " << error << "\n";
    return 2;
  }
  policy::LoadResult loaded =
      policy::loadPolicies(readInputs(parsed->all("policies")), loadOptions);
  if (!loaded.ok()) {
    for (const policy::LoadError& e : loaded.errors) std::cerr << e.format() << "\n";
    return 2;
  }
  if (policyDocuments(*loaded.set) == 0) {
    // As for lint: an answer from no policy at all would admit everything.
    std::cerr << "billet review: no policy document in " << joinPaths(parsed->all("policies"))
              << "\n";
    return 2;
  }
  admission::AdmissionReply reply = admission::handleReview(
      *loaded.set,
      endpoint == "validate" ? admission::Endpoint::Validate : admission::Endpoint::Mutate, body);
  if (reply.status != 200) {
    std::cerr << input << ": HTTP " << reply.status << ": " << reply.body << "\n";
    return 2;
  }
  std::cout << reply.body;
  if (isatty(STDOUT_FILENO)) std::cout << '\n';
  return 0;
}

}  // namespace billet::cli
