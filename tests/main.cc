// The one translation unit that holds Catch2's runner, shared by every test binary.
//
// ctest runs each test case on its own, by name (catch_discover_tests): a name holding `;` is cut
// in two by CMake's lists, and a `\` is an escape to Catch's filter, and either way the filter
// matches nothing and the case passes without running. Such a name stops the binary here, so its
// discovery fails the build instead.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <iostream>

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (const int status = session.applyCommandLine(argc, argv); status != 0) return status;
  bool unrunnable = false;
  for (const Catch::TestCase& test : Catch::getAllTestCasesSorted(session.config())) {
    const std::string& name = test.getTestCaseInfo().name;
    if (name.find_first_of(";\\") != std::string::npos) {
      std::cerr << "test case name with `;` or `\\`, which ctest cannot select: " << name << "\n";
      unrunnable = true;
    }
  }
  if (unrunnable) return 2;
  return session.run();
}
