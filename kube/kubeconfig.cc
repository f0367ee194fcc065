#include "kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/text.h"
#include "json/base64.h"

namespace billet::kube {

namespace {

using Result = base::Result<LoadedKubeConfig>;

std::string scalar(const YAML::Node& map, const char* key) {
  const YAML::Node n = map[key];
  return n && n.IsScalar() ? n.Scalar() : "";
}

bool truthy(const YAML::Node& map, const char* key) {
  const std::string v = scalar(map, key);
  return v == "true" || v == "True" || v == "TRUE" || v == "yes";
}

// The entry of a named list (clusters, users, contexts) called `name`: its inner map (an empty
// one when the entry has none); nullopt when there is no such entry.
std::optional<YAML::Node> named(const YAML::Node& root, const char* list, const char* inner,
                                const std::string& name) {
  const YAML::Node entries = root[list];
  if (!entries || !entries.IsSequence()) return std::nullopt;
  for (const YAML::Node& e : entries) {
    if (!e.IsMap() || scalar(e, "name") != name) continue;
    const YAML::Node in = e[inner];
    return in && in.IsMap() ? in : YAML::Node(YAML::NodeType::Map);
  }
  return std::nullopt;
}

std::string resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) return path;
  return dir + "/" + path;
}

base::Result<std::string> readFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {{}, "cannot read " + what + " " + path};
  std::ostringstream s;
  s << in.rdbuf();
  return {s.str(), ""};
}

// `<key>-data` (base64) or `<key>` (a file): the PEM, "" when neither is set.
base::Result<std::string> pemOf(const YAML::Node& map, const std::string& key,
                                const std::string& dir, const std::string& what) {
  if (const std::string data = scalar(map, (key + "-data").c_str()); !data.empty()) {
    auto decoded = json::base64Decode(data);
    if (!decoded) return {{}, what + " (" + key + "-data) is not base64"};
    return {*decoded, ""};
  }
  if (const std::string file = scalar(map, key.c_str()); !file.empty())
    return readFile(resolve(dir, file), what);
  return {"", ""};
}

// parseKubeConfig, whose errors may quote the file's bytes as they are.
Result parseUnescaped(const std::string& text, const std::string& dir, const std::string& wanted) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return {{}, "not YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")"};
  }
  try {
    if (!root.IsMap()) return {{}, "not a kubeconfig (no clusters, users and contexts)"};
    LoadedKubeConfig out;
    out.context = wanted.empty() ? scalar(root, "current-context") : wanted;
    if (out.context.empty()) return {{}, "no current-context; name one with --context"};
    const auto foundContext = named(root, "contexts", "context", out.context);
    if (!foundContext) return {{}, "no context \"" + out.context + "\""};
    const YAML::Node& context = *foundContext;
    const std::string clusterName = scalar(context, "cluster");
    const std::string userName = scalar(context, "user");
    const auto foundCluster = named(root, "clusters", "cluster", clusterName);
    if (!foundCluster)
      return {{}, "context \"" + out.context + "\": no cluster \"" + clusterName + "\""};
    const YAML::Node& cluster = *foundCluster;
    const std::string where = "cluster \"" + clusterName + "\"";

    KubeConfig& c = out.config;
    out.server = scalar(cluster, "server");
    if (out.server.empty()) return {{}, where + ": no server"};
    if (std::string err = parseServerUrl(out.server, c); !err.empty())
      return {{}, where + ": server: " + err};
    if (truthy(cluster, "insecure-skip-tls-verify"))
      return {{},
              where +
                  ": insecure-skip-tls-verify is refused: billet verifies the API server; "
                  "give certificate-authority(-data)"};
    if (!scalar(cluster, "proxy-url").empty()) return {{}, where + ": proxy-url is not supported"};
    auto ca = pemOf(cluster, "certificate-authority", dir, "the CA");
    if (!ca.ok()) return {{}, where + ": " + ca.error};
    c.caPem = ca.value;
    c.serverName = scalar(cluster, "tls-server-name");

    if (userName.empty()) return {{}, "context \"" + out.context + "\" names no user"};
    const auto foundUser = named(root, "users", "user", userName);
    if (!foundUser) return {{}, "context \"" + out.context + "\": no user \"" + userName + "\""};
    const YAML::Node& user = *foundUser;
    const std::string who = "user \"" + userName + "\"";
    if (!scalar(user, "username").empty() || !scalar(user, "password").empty())
      return {{}, who + ": username/password (basic) authentication is not supported"};
    if (user["auth-provider"])
      return {{}, who + ": auth-provider is not supported; use an exec credential plugin"};
    c.token = scalar(user, "token");
    if (c.token.empty()) {
      if (const std::string file = scalar(user, "tokenFile"); !file.empty()) {
        c.tokenFile = resolve(dir, file);
        auto t = readFile(c.tokenFile, "the token file");
        if (!t.ok()) return {{}, who + ": " + t.error};
        c.token = t.value;
        while (!c.token.empty() && (c.token.back() == '\n' || c.token.back() == '\r'))
          c.token.pop_back();
      }
    }
    auto cert = pemOf(user, "client-certificate", dir, "the client certificate");
    if (!cert.ok()) return {{}, who + ": " + cert.error};
    auto key = pemOf(user, "client-key", dir, "the client key");
    if (!key.ok()) return {{}, who + ": " + key.error};
    if (cert.value.empty() != key.value.empty())
      return {{}, who + ": client-certificate and client-key go together"};
    c.clientCertPem = cert.value;
    c.clientKeyPem = key.value;

    if (const YAML::Node exec = user["exec"]; exec && exec.IsMap()) {
      ExecConfig e;
      e.dir = dir;
      e.command = scalar(exec, "command");
      if (e.command.empty()) return {{}, who + ": exec has no command"};
      if (const std::string v = scalar(exec, "apiVersion"); !v.empty()) e.apiVersion = v;
      if (e.apiVersion != "client.authentication.k8s.io/v1" &&
          e.apiVersion != "client.authentication.k8s.io/v1beta1")
        return {{},
                who + ": exec apiVersion " + e.apiVersion +
                    " is not supported (client.authentication.k8s.io/v1 or v1beta1)"};
      if (scalar(exec, "interactiveMode") == "Always")
        return {{}, who + ": the exec plugin needs a terminal (interactiveMode: Always)"};
      if (const YAML::Node args = exec["args"]; args && args.IsSequence())
        for (const YAML::Node& a : args) e.args.push_back(a.Scalar());
      if (const YAML::Node env = exec["env"]; env && env.IsSequence())
        for (const YAML::Node& v : env) e.env.emplace_back(scalar(v, "name"), scalar(v, "value"));
      c.exec = std::make_shared<ExecPlugin>(std::move(e));
    }
    // Requests that cross networks and plugins that start browsers take longer than in-cluster
    // calls.
    c.timeout = std::chrono::milliseconds(30'000);
    return {std::move(out), ""};
  } catch (const YAML::Exception& e) {
    return {{}, "malformed kubeconfig: " + e.msg};
  }
}

}  // namespace

Result parseKubeConfig(const std::string& text, const std::string& dir, const std::string& wanted) {
  // Names and yaml-cpp's messages quote the file, which may hold a line break or a terminal
  // escape: errors are one line.
  Result r = parseUnescaped(text, dir, wanted);
  if (!r.ok()) r.error = base::oneLine(r.error);
  return r;
}

Result loadKubeConfig(const std::string& path, const std::string& context) {
  auto text = readFile(path, "kubeconfig");
  if (!text.ok()) return {{}, text.error};
  const std::string dir = std::filesystem::path(path).parent_path().string();
  auto loaded = parseKubeConfig(text.value, dir.empty() ? "." : dir, context);
  if (!loaded.ok()) return {{}, path + ": " + loaded.error};
  return loaded;
}

}  // namespace billet::kube
