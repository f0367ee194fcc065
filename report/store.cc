#include "report/store.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "base/text.h"
#include "json/yaml.h"
#include "report/policy_report.h"

namespace billet::report {

namespace {

std::size_t index(policy::Outcome o) {
  switch (o) {
    case policy::Outcome::Pass:
      return 0;
    case policy::Outcome::Fail:
      return 1;
    case policy::Outcome::Warn:
      return 2;
    case policy::Outcome::Error:
      return 3;
    case policy::Outcome::Skip:
      return 4;
  }
  return 4;
}

constexpr const char* kCountNames[5] = {"pass", "fail", "warn", "error", "skip"};
constexpr policy::Outcome kOutcomes[5] = {policy::Outcome::Pass, policy::Outcome::Fail,
                                          policy::Outcome::Warn, policy::Outcome::Error,
                                          policy::Outcome::Skip};

std::int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string rfc3339(std::int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void appendCounts(std::string& out, const std::uint64_t (&c)[5]) {
  out += '{';
  for (std::size_t i = 0; i < 5; ++i) {
    if (i) out += ',';
    out += '"';
    out += kCountNames[i];
    out += "\":";
    out += std::to_string(c[i]);
  }
  out += '}';
}

}  // namespace

ReportStore::ReportStore(std::size_t maxKeys, std::size_t examplesPerKey, std::size_t objectsPerKey,
                         std::size_t maxBytes, std::size_t maxOutputBytes)
    : maxKeys_(maxKeys),
      examplesPerKey_(examplesPerKey),
      objectsPerKey_(objectsPerKey),
      maxBytes_(maxBytes),
      maxOutputBytes_(maxOutputBytes),
      since_(nowSeconds()) {}

// Estimates of what each item holds on the heap, node overhead included; they only need to be
// in proportion, so that maxBytes bounds the store whatever the strings.
std::size_t ReportStore::cost(const Example& ex) {
  return sizeof(Example) + ex.uid.size() + ex.apiVersion.size() + ex.kind.size() + ex.name.size() +
         ex.objectUid.size() + ex.message.size();
}

std::size_t ReportStore::cost(const Key& key) {
  return sizeof(Entry) + 64 + std::get<0>(key).size() + std::get<1>(key).size() +
         std::get<2>(key).size();
}

std::size_t ReportStore::objectCost(const std::string& object) {
  return 2 * (object.size() + sizeof(std::string)) + 64;  // a map node and a deque slot
}

void ReportStore::record(const admission::AdmissionReply& reply) {
  if (reply.status != 200 || reply.dryRun) return;
  bool any = false;
  for (const policy::RuleResult& r : reply.results) {
    if ((recordEnforce_ || r.mode != policy::Mode::Enforce) && r.outcome != policy::Outcome::Skip) {
      any = true;
      break;
    }
  }
  if (!any) return;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs);
  // Every string a client sent is cut before it is kept.
  const std::string uid = base::truncated(reply.uid, kMaxUid);
  const std::string objectUid = base::truncated(reply.objectUid, kMaxUid);
  const std::string apiVersion = base::truncated(reply.apiVersion, kMaxName);
  const std::string kind = base::truncated(reply.kind, kMaxName);
  const std::string name = base::truncated(reply.name, kMaxName);
  const std::string ns = base::truncated(reply.namespace_, kMaxName);
  const std::string object = objectUid.empty() ? "request/" + uid : "object/" + objectUid;
  std::lock_guard<std::mutex> lock(mu_);
  for (const policy::RuleResult& r : reply.results) {
    if ((!recordEnforce_ && r.mode == policy::Mode::Enforce) || r.outcome == policy::Outcome::Skip)
      continue;
    Key key{ns, base::truncated(r.policy, kMaxName), base::truncated(r.rule, kMaxName)};
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (entries_.size() >= maxKeys_ || bytes_ + cost(key) > maxBytes_) {
        ++dropped_;
        continue;
      }
      bytes_ += cost(key);
      it = entries_.emplace(std::move(key), Entry{}).first;
    }
    Entry& e = it->second;
    ++version_;
    e.mode = r.mode;
    bytes_ -= e.severity.size() + e.category.size();
    e.severity = base::truncated(r.severity, kMaxName);
    e.category = base::truncated(r.category, kMaxName);
    bytes_ += e.severity.size() + e.category.size();
    if (auto seen = e.outcomeOf.find(object); seen != e.outcomeOf.end()) {
      // Seen before: its new result replaces the old one, in the counts and the examples.
      --e.counts[seen->second];
      seen->second = index(r.outcome);
      auto sameObject = [&](const Example& ex) {
        return ex.objectUid.empty() ? "request/" + ex.uid == object
                                    : "object/" + ex.objectUid == object;
      };
      const auto gone = std::remove_if(e.examples.begin(), e.examples.end(), sameObject);
      for (auto ex = gone; ex != e.examples.end(); ++ex) bytes_ -= cost(*ex);
      e.examples.erase(gone, e.examples.end());
    } else if (objectsPerKey_ > 0) {
      if (e.objects.size() >= objectsPerKey_) {
        bytes_ -= objectCost(e.objects.front());
        e.outcomeOf.erase(e.objects.front());
        e.objects.pop_front();
      }
      // Past the budget the object is counted but not remembered: a repeat counts again.
      if (bytes_ + objectCost(object) <= maxBytes_) {
        bytes_ += objectCost(object);
        e.outcomeOf.emplace(object, index(r.outcome));
        e.objects.push_back(object);
      }
    }
    ++e.counts[index(r.outcome)];
    if (r.outcome == policy::Outcome::Pass || examplesPerKey_ == 0) continue;
    if (e.examples.size() >= examplesPerKey_) {
      bytes_ -= cost(e.examples.front());
      e.examples.pop_front();
    }
    Example ex{uid,       apiVersion,   kind,
               name,      objectUid,    base::truncated(r.message, kMaxMessage),
               r.outcome, secs.count(), static_cast<std::int32_t>(nanos.count())};
    if (bytes_ + cost(ex) > maxBytes_) continue;  // counted, not shown
    bytes_ += cost(ex);
    e.examples.push_back(std::move(ex));
  }
}

void ReportStore::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.empty() && dropped_ == 0) return;
  entries_.clear();
  dropped_ = 0;
  bytes_ = 0;
  ++version_;
}

std::unique_ptr<ReportStore> ReportStore::takeAll() {
  auto out = std::make_unique<ReportStore>(maxKeys_, examplesPerKey_, objectsPerKey_, maxBytes_,
                                           maxOutputBytes_);
  out->recordEnforce_ = recordEnforce_;
  std::lock_guard<std::mutex> lock(mu_);
  out->entries_.swap(entries_);
  std::swap(out->dropped_, dropped_);
  std::swap(out->bytes_, bytes_);
  ++version_;
  return out;
}

std::size_t ReportStore::entryCost(const Key& key, const Entry& e) {
  std::size_t n = cost(key) + e.severity.size() + e.category.size();
  for (const Example& ex : e.examples) n += cost(ex);
  for (const std::string& object : e.objects) n += objectCost(object);
  return n;
}

void ReportStore::restoreOlder(ReportStore& older) {
  std::lock_guard<std::mutex> olderLock(older.mu_);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, old] : older.entries_) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (entries_.size() >= maxKeys_) {
        for (std::uint64_t c : old.counts) dropped_ += c;
        continue;
      }
      entries_.emplace(key, std::move(old));
      continue;
    }
    Entry& e = it->second;
    // An object both hold counts with its newer result only.
    auto seenAgain = [&](const std::string& object) { return e.outcomeOf.count(object) > 0; };
    for (const auto& [object, outcome] : old.outcomeOf)
      if (seenAgain(object)) --old.counts[outcome];
    for (std::size_t i = 0; i < 5; ++i) e.counts[i] += old.counts[i];
    std::deque<Example> examples;
    for (Example& ex : old.examples)
      if (!seenAgain(ex.objectUid.empty() ? "request/" + ex.uid : "object/" + ex.objectUid))
        examples.push_back(std::move(ex));
    for (Example& ex : e.examples) examples.push_back(std::move(ex));
    while (examples.size() > examplesPerKey_) examples.pop_front();
    e.examples = std::move(examples);
    std::deque<std::string> objects;
    for (std::string& object : old.objects)
      if (!seenAgain(object)) {
        e.outcomeOf.emplace(object, old.outcomeOf[object]);
        objects.push_back(std::move(object));
      }
    for (std::string& object : e.objects) objects.push_back(std::move(object));
    while (objects.size() > objectsPerKey_) {
      e.outcomeOf.erase(objects.front());
      objects.pop_front();
    }
    e.objects = std::move(objects);
  }
  dropped_ += older.dropped_;
  older.entries_.clear();
  older.dropped_ = 0;
  older.bytes_ = 0;
  ++older.version_;
  bytes_ = 0;
  for (const auto& [key, e] : entries_) bytes_ += entryCost(key, e);
  shrinkToBound();
  ++version_;
}

void ReportStore::shrinkToBound() {
  for (bool objects : {false, true}) {
    for (auto& [key, e] : entries_) {
      if (bytes_ <= maxBytes_) return;
      if (!objects) {
        while (bytes_ > maxBytes_ && !e.examples.empty()) {
          bytes_ -= cost(e.examples.front());
          e.examples.pop_front();
        }
      } else {
        while (bytes_ > maxBytes_ && !e.objects.empty()) {
          bytes_ -= objectCost(e.objects.front());
          e.outcomeOf.erase(e.objects.front());
          e.objects.pop_front();
        }
      }
    }
  }
}

std::size_t ReportStore::keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

std::size_t ReportStore::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

std::string ReportStore::json() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = "{\"since\":";
  base::appendJsonString(out, rfc3339(since_));
  out += ",\"dropped\":" + std::to_string(dropped_) + ",\"namespaces\":[";
  const std::string* currentNs = nullptr;
  std::uint64_t summary[5] = {0, 0, 0, 0, 0};
  std::string results;
  bool truncatedOutput = false;
  auto flush = [&] {
    if (!currentNs) return;
    if (out.back() != '[') out += ',';
    out += "{\"namespace\":";
    base::appendJsonString(out, *currentNs);
    out += ",\"summary\":";
    appendCounts(out, summary);
    out += ",\"results\":[" + results + "]}";
  };
  for (const auto& [key, e] : entries_) {
    const auto& [ns, pol, rule] = key;
    if (!currentNs || *currentNs != ns) {
      flush();
      currentNs = &ns;
      for (auto& s : summary) s = 0;
      results.clear();
    }
    for (std::size_t i = 0; i < 5; ++i) summary[i] += e.counts[i];
    if (!results.empty()) results += ',';
    results += "{\"policy\":";
    base::appendJsonString(results, pol);
    results += ",\"rule\":";
    base::appendJsonString(results, rule);
    results += ",\"mode\":";
    base::appendJsonString(results, policy::name(e.mode));
    results += ",\"counts\":";
    appendCounts(results, e.counts);
    results += ",\"examples\":[";
    bool first = true;
    for (auto ex = e.examples.rbegin(); ex != e.examples.rend(); ++ex) {
      // Counts are always listed; examples only while the answer is under its bound.
      if (out.size() + results.size() > maxOutputBytes_) {
        truncatedOutput = true;
        break;
      }
      if (!first) results += ',';
      first = false;
      results += "{\"uid\":";
      base::appendJsonString(results, ex->uid);
      results += ",\"kind\":";
      base::appendJsonString(results, ex->kind);
      results += ",\"name\":";
      base::appendJsonString(results, ex->name);
      results += ",\"result\":";
      base::appendJsonString(results, policy::name(ex->outcome));
      results += ",\"message\":";
      base::appendJsonString(results, ex->message);
      results += ",\"time\":";
      base::appendJsonString(results, rfc3339(ex->seconds));
      results += '}';
    }
    results += "]}";
  }
  flush();
  out += truncatedOutput ? "],\"truncated\":true}\n" : "]}\n";
  return out;
}

std::vector<json::Value> ReportStore::policyReports() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<json::Value> docs;
  std::size_t size = 0;  // an estimate of the rendered findings, to bound the answer
  auto it = entries_.begin();
  while (it != entries_.end()) {
    const std::string& ns = std::get<0>(it->first);
    report::Counts summary;
    std::vector<report::Finding> findings;
    bool cut = false;
    for (; it != entries_.end() && std::get<0>(it->first) == ns; ++it) {
      const auto& [key, e] = *it;
      for (std::size_t i = 0; i < 5; ++i) summary.add(kOutcomes[i], e.counts[i]);
      for (auto ex = e.examples.rbegin(); ex != e.examples.rend(); ++ex) {
        // Escaping can make a string up to six times longer: count it at its worst.
        const std::size_t findingSize = 512 + 6 * (cost(*ex) + cost(key));
        if (size + findingSize > maxOutputBytes_) {
          cut = true;
          break;
        }
        size += findingSize;
        findings.push_back(
            {std::get<1>(key),
             std::get<2>(key),
             ex->message,
             e.severity,
             e.category,
             ex->outcome,
             {ex->apiVersion, ex->kind, ex->name, ns, ex->objectUid},
             {ex->seconds, ex->nanos},
             {{"mode", std::string(policy::name(e.mode))}, {"requestUid", ex->uid}}});
      }
    }
    docs.push_back(report::policyReport(ns, summary, findings));
    if (cut)
      docs.back()["metadata"]["labels"]["billet.dev/truncated"] = json::Value::string("true");
  }
  return docs;
}

std::string ReportStore::policyReportYaml() const {
  std::string out;
  for (const json::Value& doc : policyReports()) out += "---\n" + json::writeYaml(doc);
  return out;
}

std::uint64_t ReportStore::version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return version_;
}

}  // namespace billet::report
