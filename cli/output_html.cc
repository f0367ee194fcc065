// `billet audit --html FILE`: one self-contained HTML page (SPEC §6.2). No external assets: the
// CSS, the SVG charts and the filtering script are inline, and a Content-Security-Policy forbids
// loading anything else. Every string from policies or manifests is HTML-escaped; the script
// reads data from the DOM only, so no untrusted text is ever placed inside <script>.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "cli/output.h"
#include "cli/version_info.h"

namespace billet::cli {
namespace {

std::string namespaceOf(const Resource& r) {
  return r.namespace_.empty() ? "(cluster)" : r.namespace_;
}

constexpr const char* kStyle = R"CSS(
:root{--fail:#c62828;--warn:#ef8f00;--pass:#2e7d32;--error:#6a1b9a;--skip:#78909c;--ink:#1d2430;--mute:#5f6b7a;--line:#dde3ea}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f5f7fa}
header{background:#1d2430;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#b8c2cf;font-size:12px}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 16px;margin-bottom:16px}
h2{font-size:15px;margin:0 0 10px}
.totals{display:flex;gap:12px;flex-wrap:wrap}
.total{flex:1;min-width:110px;border-radius:6px;padding:10px 14px;color:#fff}
.total b{display:block;font-size:26px}
.total.pass{background:var(--pass)}.total.fail{background:var(--fail)}.total.warn{background:var(--warn)}
.total.error{background:var(--error)}.total.skip{background:var(--skip)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
.charts svg{width:100%;height:auto}
.charts text{font-size:12px;fill:var(--ink)}
.charts rect.bar{fill:var(--fail)}
.empty{color:var(--mute);font-style:italic}
.filters{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:10px;align-items:center}
.filters input,.filters select{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:4px}
.filters input{flex:1;min-width:220px}
#shown{color:var(--mute)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef2f6;font-weight:600;position:sticky;top:0}
td.msg{white-space:pre-wrap;word-break:break-word}
td.res span{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
td.res .pass{background:var(--pass)}td.res .fail{background:var(--fail)}td.res .warn{background:var(--warn)}
td.res .error{background:var(--error)}td.res .skip{background:var(--skip)}
tr[hidden]{display:none}
)CSS";

constexpr const char* kScript = R"JS(
(function () {
  var q = document.getElementById('q'), fr = document.getElementById('f-result'),
      fp = document.getElementById('f-policy'), fn = document.getElementById('f-ns'),
      table = document.getElementById('findings'), shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function setSelect(sel, v) {
    for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === v) { sel.value = v; return; }
  }
  function apply() {
    var text = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = (!fr.value || r.getAttribute('data-result') === fr.value) &&
               (!fp.value || r.getAttribute('data-policy') === fp.value) &&
               (!fn.value || r.getAttribute('data-ns') === fn.value) &&
               (!text || r.textContent.toLowerCase().indexOf(text) !== -1);
      r.hidden = !ok;
      if (ok) n++;
    });
    table.setAttribute('data-visible', String(n));
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  function params() {
    var s = location.hash.replace(/^#/, '') || location.search.replace(/^\?/, '');
    return new URLSearchParams(s);
  }
  var p = params();
  if (p.has('q')) q.value = p.get('q');
  if (p.has('result')) setSelect(fr, p.get('result'));
  if (p.has('policy')) setSelect(fp, p.get('policy'));
  if (p.has('ns')) setSelect(fn, p.get('ns'));
  function update() {
    apply();
    var o = new URLSearchParams();
    if (q.value) o.set('q', q.value);
    if (fr.value) o.set('result', fr.value);
    if (fp.value) o.set('policy', fp.value);
    if (fn.value) o.set('ns', fn.value);
    var h = o.toString();
    try { history.replaceState(null, '', h ? '#' + h : location.pathname + location.search); } catch (e) {}
  }
  q.addEventListener('input', update);
  [fr, fp, fn].forEach(function (s) { s.addEventListener('change', update); });
  apply();
  document.body.setAttribute('data-ready', 'true');
})();
)JS";

// Horizontal bars, largest first, as an inline SVG.
std::string barChart(const std::string& title, const std::map<std::string, int>& counts) {
  std::vector<std::pair<std::string, int>> items;
  for (const auto& [k, v] : counts)
    if (v > 0) items.emplace_back(k, v);
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = "<div class=\"chart\"><h2>" + escapeMarkup(title) + "</h2>";
  if (items.empty()) return out + "<p class=\"empty\">No failures.</p></div>";
  int max = items.front().second;
  const int rowH = 24, labelW = 200, barW = 320, width = labelW + barW + 60;
  int height = static_cast<int>(items.size()) * rowH + 4;
  out += "<svg role=\"img\" aria-label=\"" + escapeMarkup(title) + "\" viewBox=\"0 0 " +
         std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" xmlns=\"http://www.w3.org/2000/svg\">";
  int y = 2;
  for (const auto& [label, n] : items) {
    int w = std::max(2, n * barW / max);
    std::string shortLabel = label;
    if (shortLabel.size() > 30) {  // cut on a UTF-8 character boundary
      size_t cut = 29;
      while (cut > 0 && (static_cast<unsigned char>(shortLabel[cut]) & 0xC0) == 0x80) --cut;
      shortLabel = shortLabel.substr(0, cut) + "...";
    }
    out += "<g class=\"row\"><title>" + escapeMarkup(label) + ": " + std::to_string(n) + "</title>";
    out += "<text x=\"" + std::to_string(labelW - 6) + "\" y=\"" + std::to_string(y + 16) +
           "\" text-anchor=\"end\">" + escapeMarkup(shortLabel) + "</text>";
    out += "<rect class=\"bar\" x=\"" + std::to_string(labelW) + "\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + std::to_string(w) + "\" height=\"" + std::to_string(rowH - 6) +
           "\" rx=\"3\"/>";
    out += "<text x=\"" + std::to_string(labelW + w + 6) + "\" y=\"" + std::to_string(y + 16) +
           "\">" + std::to_string(n) + "</text></g>";
    y += rowH;
  }
  return out + "</svg></div>";
}

std::string options(const std::string& allLabel, const std::set<std::string>& values) {
  std::string out = "<option value=\"\">" + escapeMarkup(allLabel) + "</option>";
  for (const std::string& v : values)
    out += "<option value=\"" + escapeMarkup(v) + "\">" + escapeMarkup(v) + "</option>";
  return out;
}

}  // namespace

std::string renderHtml(const std::vector<ResourceReport>& reports) {
  policy::Summary s = summarize(reports);
  std::map<std::string, int> byPolicy, byNamespace;
  std::set<std::string> policies, namespaces;
  int findings = 0;
  for (const ResourceReport& rep : reports) {
    namespaces.insert(namespaceOf(*rep.resource));
    for (const policy::RuleResult& r : rep.results) {
      ++findings;
      policies.insert(r.policy);
      if (r.outcome == policy::Outcome::Fail) {
        ++byPolicy[r.policy];
        ++byNamespace[namespaceOf(*rep.resource)];
      }
    }
  }

  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'; "
      "script-src 'unsafe-inline'; img-src data:\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>billet audit report</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header><h1>billet audit report</h1><p>billet " +
         escapeMarkup(kVersion) + " &middot; " + std::to_string(reports.size()) + " resource(s), " +
         std::to_string(findings) + " result(s)</p></header>\n<main>\n";

  out += "<section><h2>Totals</h2><div class=\"totals\" id=\"totals\">";
  const std::pair<const char*, int> totals[] = {
      {"pass", s.pass}, {"fail", s.fail}, {"warn", s.warn}, {"error", s.error}, {"skip", s.skip}};
  for (const auto& [label, n] : totals)
    out += std::string("<div class=\"total ") + label + "\" data-total=\"" + label + "\"><b>" +
           std::to_string(n) + "</b>" + label + "</div>";
  out += "</div></section>\n";

  out += "<section class=\"charts\">" + barChart("Failures by policy", byPolicy) +
         barChart("Failures by namespace", byNamespace) + "</section>\n";

  out +=
      "<section><h2>Findings</h2><div class=\"filters\">"
      "<input id=\"q\" type=\"search\" placeholder=\"Filter by text\" aria-label=\"Filter by "
      "text\">"
      "<select id=\"f-result\" aria-label=\"Result\">" +
      options("all results", {"pass", "fail", "warn", "error", "skip"}) +
      "</select><select id=\"f-policy\" aria-label=\"Policy\">" +
      options("all policies", policies) + "</select><select id=\"f-ns\" aria-label=\"Namespace\">" +
      options("all namespaces", namespaces) + "</select><span id=\"shown\"></span></div>\n";
  out += "<table id=\"findings\" data-total=\"" + std::to_string(findings) + "\" data-visible=\"" +
         std::to_string(findings) +
         "\">\n<thead><tr><th>Kind</th><th>Namespace</th><th>Name</th><th>Policy/rule</"
         "th><th>Result</th>"
         "<th>Message</th></tr></thead>\n<tbody>\n";
  for (const ResourceReport& rep : reports) {
    const Resource& res = *rep.resource;
    std::string ns = namespaceOf(res);
    for (const policy::RuleResult& r : rep.results) {
      std::string result(policy::name(r.outcome));
      out += "<tr class=\"finding\" data-result=\"" + result + "\" data-policy=\"" +
             escapeMarkup(r.policy) + "\" data-ns=\"" + escapeMarkup(ns) + "\"><td>" +
             escapeMarkup(res.kind) + "</td><td>" + escapeMarkup(ns) + "</td><td>" +
             escapeMarkup(res.name) + "</td><td>" + escapeMarkup(r.policy) + "/" +
             escapeMarkup(r.rule) + "</td><td class=\"res\"><span class=\"" + result + "\">" +
             result + "</span></td><td class=\"msg\">" + escapeMarkup(r.message) + "</td></tr>\n";
    }
  }
  out += "</tbody>\n</table></section>\n</main>\n<script>";
  out += kScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace billet::cli
