// kubeconfig reading and the exec credential plugin (kube/kubeconfig.h, kube/exec_credential.h).
// The real API server takes each credential in tests/cluster/scenarios/audit-kubeconfig.sh.
#include "kube/kubeconfig.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "json/base64.h"

using namespace billet::kube;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "billet-kc-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

void writeFile(const std::filesystem::path& p, const std::string& text, bool executable = false) {
  std::ofstream(p) << text;
  if (executable) ::chmod(p.c_str(), 0755);
}

std::string config(const std::string& cluster, const std::string& user) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: main\n"
         "contexts:\n- name: main\n  context: {cluster: c, user: u}\n"
         "- name: other\n  context: {cluster: c, user: nobody}\n"
         "clusters:\n- name: c\n  cluster:\n" +
         cluster + "users:\n- name: u\n  user:\n" + user;
}

}  // namespace

TEST_CASE("kubeconfig: server, CA, token and the current or a named context") {
  TempDir tmp;
  writeFile(tmp.path / "ca.crt", "CA PEM");
  writeFile(tmp.path / "token", "from-file\n");
  auto k = parseKubeConfig(config("    server: https://api.example:6443/base/\n"
                                  "    certificate-authority: ca.crt\n",
                                  "    tokenFile: token\n"),
                           tmp.path.string());
  REQUIRE(k.ok());
  CHECK(k.value.context == "main");
  CHECK(k.value.config.host == "api.example");
  CHECK(k.value.config.port == "6443");
  CHECK(k.value.config.basePath == "/base");
  CHECK(k.value.config.caPem == "CA PEM");
  CHECK(k.value.config.token == "from-file");

  auto data = parseKubeConfig(
      config("    server: https://10.0.0.1\n    certificate-authority-data: " +
                 billet::json::base64Encode("INLINE CA") + "\n",
             "    token: abc\n    client-certificate-data: " + billet::json::base64Encode("CERT") +
                 "\n    client-key-data: " + billet::json::base64Encode("KEY") + "\n"),
      tmp.path.string());
  REQUIRE(data.ok());
  CHECK(data.value.config.caPem == "INLINE CA");
  CHECK(data.value.config.token == "abc");
  CHECK(data.value.config.clientCertPem == "CERT");
  CHECK(data.value.config.clientKeyPem == "KEY");

  auto other = parseKubeConfig(config("    server: https://x\n", "    token: t\n"), "", "other");
  REQUIRE_FALSE(other.ok());
  CHECK(other.error == "context \"other\": no user \"nobody\"");
  CHECK(parseKubeConfig(config("    server: https://x\n", "    token: t\n"), "", "nope").error ==
        "no context \"nope\"");
}

TEST_CASE("kubeconfig: what billet refuses says so in one line") {
  const std::string token = "    token: t\n";
  CHECK(parseKubeConfig(
            config("    server: https://x\n    insecure-skip-tls-verify: true\n", token), "")
            .error.find("insecure-skip-tls-verify is refused") != std::string::npos);
  CHECK(parseKubeConfig(config("    server: http://x\n", token), "").error.find("https://") !=
        std::string::npos);
  CHECK(parseKubeConfig(config("    server: https://x\n", "    username: a\n    password: b\n"), "")
            .error.find("basic") != std::string::npos);
  CHECK(parseKubeConfig(
            config("    server: https://x\n", "    client-certificate-data: Q0VSVA==\n"), "")
            .error.find("go together") != std::string::npos);
  CHECK(parseKubeConfig(config("    server: https://x\n", "    auth-provider: {name: gcp}\n"), "")
            .error.find("exec") != std::string::npos);
  CHECK(parseKubeConfig("[", "").error.find("not YAML") != std::string::npos);
  // Names quoted from the file keep the error on one line, control bytes escaped.
  CHECK(parseKubeConfig(config("    server: https://x\n", token), "", "a\nb\x1b[2J").error ==
        "no context \"a\\nb\\x1b[2J\"");
  CHECK(loadKubeConfig("/nonexistent/kubeconfig").error ==
        "cannot read kubeconfig /nonexistent/kubeconfig");
}

TEST_CASE("exec plugin: run as kubectl runs it, its credential kept until it expires") {
  TempDir tmp;
  // Prints what it was given, and counts its runs.
  writeFile(
      tmp.path / "plugin.sh",
      "#!/bin/sh\n"
      "echo run >> \"$COUNT\"\n"
      "info=$(printf %s \"$KUBERNETES_EXEC_INFO\" | tr -d ' ')\n"
      "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
      "\"status\":{\"token\":\"%s-%s-%s\",\"expirationTimestamp\":\"%s\"}}' "
      "\"$1\" \"$GREETING\" \"$(echo \"$info\" | grep -c '\"interactive\":false')\" \"$EXPIRES\"\n",
      true);
  auto k = parseKubeConfig(config("    server: https://x\n",
                                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                  "      command: ./plugin.sh\n      args: [arg]\n"
                                  "      env: [{name: GREETING, value: hi}, {name: COUNT, value: " +
                                      (tmp.path / "count").string() +
                                      "}, {name: EXPIRES, value: \"2200-01-01T00:00:00Z\"}]\n"),
                           tmp.path.string());
  REQUIRE(k.ok());
  REQUIRE(k.value.config.exec);
  ExecPlugin& plugin = *k.value.config.exec;
  auto cred = plugin.credential();
  REQUIRE(cred.ok());
  CHECK(cred.value.token == "arg-hi-1");
  REQUIRE(plugin.credential().ok());  // cached: not run again
  std::ifstream count(tmp.path / "count");
  std::string runs((std::istreambuf_iterator<char>(count)), {});
  CHECK(runs == "run\n");
  plugin.invalidate();
  REQUIRE(plugin.credential().ok());
}

TEST_CASE("exec plugin: expired, malformed and failing plugins") {
  const std::string v1 = "client.authentication.k8s.io/v1";
  auto expired = parseExecCredential(
      R"({"apiVersion":")" + v1 +
          R"(","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"2001-01-01T00:00:00.5+01:00"}})",
      v1);
  REQUIRE(expired.ok());
  REQUIRE(expired.value.expires);
  CHECK(std::chrono::system_clock::to_time_t(*expired.value.expires) == 978303600);
  // Past what the clock counts (year 2262): never expires, rather than an overflow.
  auto later = parseExecCredential(
      R"({"apiVersion":")" + v1 +
          R"(","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"6100-01-01T00:00:00Z"}})",
      v1);
  REQUIRE(later.ok());
  REQUIRE(later.value.expires);
  CHECK(*later.value.expires == std::chrono::system_clock::time_point::max());
  CHECK(parseExecCredential(R"({"apiVersion":")" + v1 + R"(","kind":"ExecCredential","status":{}})",
                            v1)
            .error.find("neither a token") != std::string::npos);
  CHECK(parseExecCredential(
            R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential"})", v1)
            .error.find("not \"client.authentication.k8s.io/v1\"") != std::string::npos);
  CHECK(parseExecCredential("nope", v1).error.find("not JSON") != std::string::npos);

  ExecConfig failing;
  failing.command = "false";
  CHECK(ExecPlugin(failing).credential().error == "exec plugin \"false\": exited with status 1");
  ExecConfig missing;
  missing.command = "/nonexistent/plugin";
  CHECK(ExecPlugin(missing).credential().error.find("cannot run it") != std::string::npos);
}
