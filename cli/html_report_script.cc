// The report's script: filters (read from and written to the URL fragment, so a filtered view can
// be shared as a link), the toggle that shows skipped rules, sortable columns and the namespace
// view. It reads what it needs from the DOM billet rendered (attributes and cell text) and never
// builds markup, so no string from a policy or a manifest is ever parsed as HTML or script.
#include "cli/html_report_assets.h"

namespace billet::cli {

std::string_view htmlReportScript() {
  return R"JS(
(function () {
  'use strict';
  function $(id) { return document.getElementById(id); }
  function list(xs) { return Array.prototype.slice.call(xs); }
  var q = $('q'), fr = $('f-result'), fp = $('f-policy'), fn = $('f-ns'), skips = $('show-skips'),
      findings = $('findings'), resources = $('resources'), shown = $('shown');
  var findingRows = list(findings.tBodies[0].rows), resourceRows = list(resources.tBodies[0].rows);
  var nsRows = list(document.querySelectorAll('#namespaces tr.ns-row'));

  function setSelect(sel, v) {
    for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === v) { sel.value = v; return; }
  }
  function matches(r, text) { return !text || r.textContent.toLowerCase().indexOf(text) !== -1; }

  // Skipped rules say only that a rule did not apply: they are hidden unless the toggle is on or
  // the result filter asks for them.
  function apply() {
    var text = q.value.trim().toLowerCase(), showSkips = skips.checked || fr.value === 'skip';
    var n = 0, hiddenSkips = 0;
    findingRows.forEach(function (r) {
      var result = r.getAttribute('data-result');
      var ok = (!fr.value || result === fr.value) &&
               (!fp.value || r.getAttribute('data-policy') === fp.value) &&
               (!fn.value || r.getAttribute('data-ns') === fn.value) && matches(r, text);
      if (ok && result === 'skip' && !showSkips) { ok = false; hiddenSkips++; }
      r.hidden = !ok;
      if (ok) n++;
    });
    findings.setAttribute('data-visible', String(n));
    shown.textContent = n + ' of ' + findingRows.length + ' shown' +
        (hiddenSkips ? ' (' + hiddenSkips + ' skipped hidden)' : '');
    var m = 0;
    resourceRows.forEach(function (r) {
      var ok = (!fn.value || r.getAttribute('data-ns') === fn.value) && matches(r, text);
      r.hidden = !ok;
      if (ok) m++;
    });
    resources.setAttribute('data-visible', String(m));
    nsRows.forEach(function (r) { r.classList.toggle('current', r.getAttribute('data-ns') === fn.value); });
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
  skips.checked = p.get('skips') === '1';

  function update() {
    apply();
    var o = new URLSearchParams();
    if (q.value) o.set('q', q.value);
    if (fr.value) o.set('result', fr.value);
    if (fp.value) o.set('policy', fp.value);
    if (fn.value) o.set('ns', fn.value);
    if (skips.checked) o.set('skips', '1');
    var h = o.toString();
    try { history.replaceState(null, '', h ? '#' + h : location.pathname + location.search); } catch (e) {}
  }
  q.addEventListener('input', update);
  [fr, fp, fn, skips].forEach(function (s) { s.addEventListener('change', update); });

  // The namespace view: picking a namespace filters the resources and the findings to it; picking
  // it again shows every namespace.
  nsRows.forEach(function (r) {
    r.querySelector('button.ns-pick').addEventListener('click', function () {
      var ns = r.getAttribute('data-ns');
      setSelect(fn, fn.value === ns ? '' : ns);
      update();
    });
  });

  // Sorting: a click on a header sorts by that column, a second click reverses. A cell's data-v,
  // when present, is its sort key (a score, a severity's rank); an empty key sorts last either
  // way (a resource with no evaluated rule has no score). Ties keep the previous order, so
  // sorting by one column then another sorts by both.
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});
  function sortBy(th) {
    var table = th.closest('table'), col = th.cellIndex, numeric = th.getAttribute('data-sort') === 'num';
    var now = th.getAttribute('aria-sort');
    var dir = now === 'ascending' ? 'descending' : now === 'descending' ? 'ascending' :
              th.getAttribute('data-first') === 'desc' ? 'descending' : 'ascending';
    list(th.parentNode.cells).forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir);
    var sign = dir === 'ascending' ? 1 : -1, body = table.tBodies[0];
    var keyed = list(body.rows).map(function (r, i) {
      var c = r.cells[col];
      return {r: r, i: i, v: c.hasAttribute('data-v') ? c.getAttribute('data-v') : c.textContent.trim()};
    });
    keyed.sort(function (a, b) {
      if (a.v === '' || b.v === '') return a.v === b.v ? a.i - b.i : a.v === '' ? 1 : -1;
      var d = numeric ? Number(a.v) - Number(b.v) : collator.compare(a.v, b.v);
      return d ? d * sign : a.i - b.i;
    });
    keyed.forEach(function (k) { body.appendChild(k.r); });
  }
  list(document.querySelectorAll('th[data-sort]')).forEach(function (th) {
    th.addEventListener('click', function () { sortBy(th); });
    th.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(th); }
    });
  });

  apply();
  document.body.setAttribute('data-ready', 'true');
})();
)JS";
}

}  // namespace billet::cli
