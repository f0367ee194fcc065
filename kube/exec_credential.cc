#include "kube/exec_credential.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "base/text.h"
#include "json/parse.h"
#include "json/write.h"

extern char** environ;

namespace billet::kube {

namespace {

constexpr std::size_t kMaxOutput = 1 << 20;

std::string stringAt(const json::Value& v, std::initializer_list<std::string_view> keys) {
  const json::Value* found = json::dig(v, keys);
  return found && found->isString() ? std::string(found->asString()) : "";
}

// RFC 3339 ("2026-01-02T03:04:05Z", fractions and numeric offsets allowed); nullopt if not.
std::optional<std::chrono::system_clock::time_point> parseTime(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  if (*rest == '.')
    while (*++rest >= '0' && *rest <= '9') {
    }
  long offset = 0;
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int h = 0, m = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &h, &m) != 2) return std::nullopt;
    offset = (*rest == '-' ? -1 : 1) * (h * 3600L + m * 60L);
    rest += 6;
  } else {
    return std::nullopt;
  }
  if (*rest) return std::nullopt;
  const std::time_t t = timegm(&tm) - offset;
  // The clock counts nanoseconds in 64 bits, about 292 years either side of 1970: a plugin's
  // "year 6100" means "does not expire", not an overflow.
  using Clock = std::chrono::system_clock;
  constexpr auto kLimit =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::duration::max()).count() - 1;
  if (t >= kLimit) return Clock::time_point::max();
  if (t <= -kLimit) return Clock::time_point::min();
  return Clock::from_time_t(t);
}

std::string describe(const ExecConfig& c) {
  return "exec plugin \"" + c.command + "\"";
}

// parseExecCredential, whose errors may quote the plugin's output as it is.
base::Result<ExecCredential> parseUnescaped(const std::string& text,
                                            const std::string& apiVersion) {
  auto doc = json::parse(text);
  if (!doc.ok()) return {{}, "its output is not JSON: " + doc.error};
  const json::Value& v = doc.value;
  if (stringAt(v, {"kind"}) != "ExecCredential")
    return {{}, "its output is not an ExecCredential (kind \"" + stringAt(v, {"kind"}) + "\")"};
  if (stringAt(v, {"apiVersion"}) != apiVersion)
    return {{},
            "it answered apiVersion \"" + stringAt(v, {"apiVersion"}) + "\", not \"" + apiVersion +
                "\""};
  ExecCredential c;
  c.token = stringAt(v, {"status", "token"});
  c.clientCertPem = stringAt(v, {"status", "clientCertificateData"});
  c.clientKeyPem = stringAt(v, {"status", "clientKeyData"});
  if (c.clientCertPem.empty() != c.clientKeyPem.empty())
    return {{}, "status has clientCertificateData without clientKeyData, or the reverse"};
  if (c.token.empty() && c.clientCertPem.empty())
    return {{}, "status has neither a token nor clientCertificateData/clientKeyData"};
  if (const std::string exp = stringAt(v, {"status", "expirationTimestamp"}); !exp.empty()) {
    c.expires = parseTime(exp);
    if (!c.expires) return {{}, "status.expirationTimestamp \"" + exp + "\" is not RFC 3339"};
  }
  return {std::move(c), ""};
}

}  // namespace

base::Result<ExecCredential> parseExecCredential(const std::string& text,
                                                 const std::string& apiVersion) {
  // A plugin's kind or apiVersion may hold a line break or a terminal escape: errors are one line.
  base::Result<ExecCredential> r = parseUnescaped(text, apiVersion);
  if (!r.ok()) r.error = base::oneLine(r.error);
  return r;
}

base::Result<ExecCredential> ExecPlugin::credential() {
  std::lock_guard<std::mutex> lock(mu_);
  // A credential about to expire is renewed a little early, so a request does not carry one that
  // expires on the way.
  const auto soon = std::chrono::system_clock::now() + std::chrono::seconds(10);
  if (cached_ && (!cached_->expires || *cached_->expires > soon)) return {*cached_, ""};
  auto fresh = run();
  if (!fresh.ok()) return fresh;
  cached_ = fresh.value;
  return fresh;
}

void ExecPlugin::invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cached_.reset();
}

base::Result<ExecCredential> ExecPlugin::run() {
  const ExecConfig& c = config_;
  std::string command = c.command;
  if (command.find('/') != std::string::npos && command.front() != '/' && !c.dir.empty())
    command = c.dir + "/" + command;

  // The user's environment, the plugin's env entries over it, and the exec info.
  std::vector<std::string> envStrings;
  auto overridden = [&](const char* entry) {
    const char* eq = std::strchr(entry, '=');
    const std::string_view name(entry, eq ? static_cast<std::size_t>(eq - entry) : 0);
    if (name == "KUBERNETES_EXEC_INFO") return true;
    for (const auto& [k, v] : c.env)
      if (name == k) return true;
    return false;
  };
  for (char** e = environ; e && *e; ++e)
    if (!overridden(*e)) envStrings.emplace_back(*e);
  for (const auto& [k, v] : c.env) envStrings.push_back(k + "=" + v);
  json::Value info = json::Value::object();
  info.set("apiVersion", json::Value::string(c.apiVersion));
  info.set("kind", json::Value::string("ExecCredential"));
  info["spec"].set("interactive", json::Value::boolean(false));
  envStrings.push_back("KUBERNETES_EXEC_INFO=" + json::write(info));
  std::vector<char*> envp;
  for (std::string& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argStrings{command};
  argStrings.insert(argStrings.end(), c.args.begin(), c.args.end());
  std::vector<char*> argv;
  for (std::string& s : argStrings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return {{}, describe(c) + ": pipe: " + std::strerror(errno)};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  pid_t pid = 0;
  // posix_spawnp looks the command up in the caller's PATH (the plugin's env does not change it).
  const int rc = posix_spawnp(&pid, command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return {{}, describe(c) + ": cannot run it: " + std::strerror(rc)};
  }

  std::string output;
  bool timedOut = false, tooLong = false;
  const auto deadline = std::chrono::steady_clock::now() + c.timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends it
    char buf[8192];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
    if (output.size() > kMaxOutput) {
      tooLong = true;
      break;
    }
  }
  ::close(out[0]);
  if (timedOut || tooLong) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut)
    return {{},
            describe(c) + ": no answer within " + std::to_string(c.timeout.count() / 1000) + " s"};
  if (tooLong) return {{}, describe(c) + ": its output is larger than 1 MiB"};
  if (WIFSIGNALED(status))
    return {{}, describe(c) + ": killed by signal " + std::to_string(WTERMSIG(status))};
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return {{}, describe(c) + ": exited with status " + std::to_string(WEXITSTATUS(status))};
  auto parsed = parseExecCredential(output, c.apiVersion);
  if (!parsed.ok()) return {{}, describe(c) + ": " + parsed.error};
  return parsed;
}

}  // namespace billet::kube
