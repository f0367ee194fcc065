// The report's stylesheet. Colours carry meaning (result, severity, score) and each is paired with
// a word, so the page still reads in print or without colour.
#include "cli/html_report_assets.h"

namespace billet::cli {

std::string_view htmlReportStyle() {
  return R"CSS(
:root{--fail:#c62828;--warn:#ef8f00;--pass:#2e7d32;--error:#6a1b9a;--skip:#78909c;--ink:#1d2430;--mute:#5f6b7a;--line:#dde3ea;--accent:#1565c0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f5f7fa}
header{background:#1d2430;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#b8c2cf;font-size:12px}
main{padding:16px 24px;max-width:1600px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 16px;margin-bottom:16px}
h2{font-size:15px;margin:0 0 10px}
h2 small{font-weight:400;color:var(--mute);margin-left:6px}
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
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.filters input,.filters select{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:4px}
.filters input[type=search]{flex:1;min-width:220px}
.filters label{color:var(--mute);white-space:nowrap}
#shown{color:var(--mute)}
.scroll{max-height:520px;overflow:auto}
.wide{overflow-x:auto}
#findings{table-layout:fixed;min-width:1000px}
#findings td{overflow-wrap:anywhere}
#findings th:nth-child(1),#findings th:nth-child(2){width:9%}
#findings th:nth-child(3){width:11%}#findings th:nth-child(4){width:14%}#findings th:nth-child(5){width:15%}
#findings th:nth-child(6),#findings th:nth-child(7),#findings th:nth-child(8){width:7.5%}
table{border-collapse:collapse;width:100%}
table.narrow{width:auto;min-width:640px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#eef2f6;font-weight:600;position:sticky;top:0;white-space:nowrap}
th[data-sort]{cursor:pointer;user-select:none}
th[data-sort]:hover,th[data-sort]:focus{background:#e1e8f0;outline:none}
th[data-sort]::after{content:"\2195";color:#a9b4c0;margin-left:4px;font-size:11px}
th[aria-sort=ascending]::after{content:"\25B2";color:var(--accent)}
th[aria-sort=descending]::after{content:"\25BC";color:var(--accent)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n.zero{color:#b0b9c4}
td.loc{font:12px/1.6 ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--mute)}
td.msg{white-space:pre-wrap}
td.res span,td.sev span{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
td.res .pass{background:var(--pass)}td.res .fail{background:var(--fail)}td.res .warn{background:var(--warn)}
td.res .error{background:var(--error)}td.res .skip{background:var(--skip)}
td.sev span{color:var(--ink);border:1px solid var(--line);background:#fff}
td.sev .critical,td.sev .high{border-color:var(--fail);color:var(--fail)}
td.sev .medium{border-color:var(--warn);color:#9a5b00}
td.score{white-space:nowrap;font-variant-numeric:tabular-nums}
.meter{display:inline-block;width:64px;height:8px;border-radius:4px;background:#e6ebf0;margin-right:6px;vertical-align:middle;overflow:hidden}
.meter i{display:block;height:100%;background:var(--pass)}
.score.low .meter i{background:var(--fail)}.score.mid .meter i{background:var(--warn)}
button.ns-pick{font:inherit;color:var(--accent);background:none;border:0;padding:0;cursor:pointer;text-align:left}
button.ns-pick:hover{text-decoration:underline}
tr.ns-row.current{background:#e8f1fc}
tr.ns-row.current button.ns-pick{font-weight:600}
tr[hidden]{display:none}
)CSS";
}

}  // namespace billet::cli
