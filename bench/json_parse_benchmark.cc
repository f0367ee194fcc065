// JSON hot-path benchmarks on the AdmissionReview sample: billet's parser, the writer, diff, and
// for comparison simdjson's DOM parser alone and followed by a conversion into json::Value
// (the alternative design for json::parse).
//
//   build/bench/json_parse_benchmark --benchmark_repetitions=10 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

#include "json/document.h"
#include "json/parse.h"
#include "json/patch.h"
#include "json/write.h"

namespace {

using billet::json::Array;
using billet::json::Member;
using billet::json::Object;
using billet::json::Value;

const char* const kSample = BILLET_SAMPLE_REVIEW;

// The sample, or empty when it cannot be read.
const std::string& sample() {
  static const std::string text = [] {
    std::ifstream in(kSample, std::ios::binary);
    if (!in) return std::string();
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return text;
}

bool haveSample(benchmark::State& state) {
  if (!sample().empty()) return true;
  state.SkipWithError((std::string("cannot read ") + kSample).c_str());
  return false;
}

void BM_Parse(benchmark::State& state) {
  if (!haveSample(state)) return;
  const std::string& text = sample();
  for (auto _ : state) {
    auto r = billet::json::parse(text);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_Parse);

// What every review pays before anything is evaluated: the validating scan of the whole text
// into tokens, and the root's members (json::parseDeferred, as admission::readReview calls it).
// Beside BM_SimdjsonDomOnly, simdjson's validating parse into its own tape, this is the floor
// of a review's time on a host.
void BM_ParseDeferred(benchmark::State& state) {
  if (!haveSample(state)) return;
  const std::string& text = sample();
  for (auto _ : state) {
    billet::json::Document doc;
    auto r = billet::json::parseDeferred(text, doc);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseDeferred);

void BM_WriteCompact(benchmark::State& state) {
  if (!haveSample(state)) return;
  const Value doc = billet::json::parse(sample()).value;
  for (auto _ : state) {
    std::string out = billet::json::write(doc);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_WriteCompact);

void BM_DiffOneChange(benchmark::State& state) {
  if (!haveSample(state)) return;
  const Value from = billet::json::parse(sample()).value;
  Value to = from;
  to["request"]["object"]["spec"]["template"]["spec"]["nodeSelector"]["gpu"] =
      Value::string("true");
  for (auto _ : state) {
    Value patch = billet::json::diff(from, to);
    benchmark::DoNotOptimize(patch);
  }
}
BENCHMARK(BM_DiffOneChange);

void BM_SimdjsonDomOnly(benchmark::State& state) {
  if (!haveSample(state)) return;
  const simdjson::padded_string text(sample());
  simdjson::dom::parser parser;
  for (auto _ : state) {
    auto doc = parser.parse(text);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_SimdjsonDomOnly);

// simdjson's DOM converted into a Value (numbers rebuilt from int64/uint64/double, so their
// original text is not kept). Recursive: fine for a benchmark on a known document.
Value toValue(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      const simdjson::dom::object o = e.get_object().value_unsafe();
      Object members;
      members.reserve(o.size());
      for (auto field : o) members.push_back(Member{std::string(field.key), toValue(field.value)});
      return Value::object(std::move(members));
    }
    case simdjson::dom::element_type::ARRAY: {
      const simdjson::dom::array a = e.get_array().value_unsafe();
      Array elements;
      elements.reserve(a.size());
      for (auto x : a) elements.push_back(toValue(x));
      return Value::array(std::move(elements));
    }
    case simdjson::dom::element_type::STRING:
      return Value::string(std::string(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::INT64:
      return Value::number(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return Value::number(std::to_string(e.get_uint64().value_unsafe()));
    case simdjson::dom::element_type::DOUBLE: {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, e.get_double().value_unsafe());
      return Value::number(std::string(buf, r.ptr));
    }
    case simdjson::dom::element_type::BOOL:
      return Value::boolean(e.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE:
      return Value();
  }
  return Value();
}

void BM_SimdjsonDomToValue(benchmark::State& state) {
  if (!haveSample(state)) return;
  const simdjson::padded_string text(sample());
  simdjson::dom::parser parser;
  for (auto _ : state) {
    auto doc = parser.parse(text);
    Value v = toValue(doc.value_unsafe());
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_SimdjsonDomToValue);

}  // namespace
