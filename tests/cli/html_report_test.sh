#!/usr/bin/env bash
# `billet audit --html` in a real browser: Debian's chromium, headless, loads the report, runs its
# script, and the DOM after scripts ran is checked (ready marker, row counts, filtering from the URL
# fragment, a hostile name rendered as text). Clicks (the skip toggle, a column header, a
# namespace) are made by a script appended to a copy of the page, run after the page's own; the
# DOM is then dumped and checked. Numbers (scores, namespace totals, file:line) are checked against
# `billet audit --output json` on the same input. Also takes a screenshot. Fails if chromium is
# missing (scripts/deps.sh test installs it). Usage: html_report_test.sh BILLET SOURCE_DIR [SCREENSHOT]
set -uo pipefail
BILLET=$1
SRC=$2
source "$(dirname "$0")/testlib.sh"
SHOT=${3:-$T/report.png}

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "FAILED: chromium is not installed (run scripts/deps.sh test)"
  exit 1
fi

browse() {  # browse ARGS... (headless chromium, a fresh profile, no network side traffic)
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --user-data-dir="$(mktemp -d "$T/profile.XXXX")" "$@" 2>"$T/chromium.err"
}

drive() {  # drive NAME JS: the report with JS run after the page's script; the DOM in $T/NAME.html
  local html
  html=$(cat "$T/report.html")
  printf '%s<script>%s</script></body>%s' "${html%</body>*}" "$2" "${html##*</body>}" >"$T/$1-page.html"
  browse --dump-dom "file://$T/$1-page.html" >"$T/$1.html"
}
click_header() {  # JS clicking the header named $2 of table #$1
  echo "Array.prototype.forEach.call(document.querySelectorAll('#$1 thead th'), function (th) {
          if (th.textContent === '$2') th.click(); });"
}
rows() {  # rows FILE CLASS: one <tr> per line (sorting moves rows, not the newlines between them)
  sed 's/<tr /\n<tr /g' "$1" | grep "<tr class=\"$2\""
}
unescape() { sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g'; }
monotonic() {  # monotonic asc|desc < keys: numbers in order, then the empty keys (no score)
  awk -v dir="$1" '$1 == "" { empty = 1; next } empty { bad = 1 }
                   seen && ((dir == "asc" && $1 + 0 < prev) || (dir == "desc" && $1 + 0 > prev)) { bad = 1 }
                   { prev = $1 + 0; seen = 1 } END { exit bad }'
}

cat > "$T/hostile.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: "<script>document.title='pwned'</script>"
  namespace: hostile  # a namespace must be a DNS-1123 label (lint refuses another)
spec:
  containers:
    - name: "<img src=x onerror=alert(1)>"
      image: busybox:latest
YAML

inputs=(-p "$SRC/manifests/policies" -f "$SRC/manifests/examples" -f "$T/hostile.yaml")
before=$(date -u +%s)
"$BILLET" audit "${inputs[@]}" --html "$T/report.html" >/dev/null 2>"$T/err"
check "audit --html exits 0" [ $? -eq 0 ]
after=$(date -u +%s)
check "the report is written" [ -s "$T/report.html" ]
"$BILLET" audit "${inputs[@]}" --output json >"$T/audit.json" 2>/dev/null
check "audit --output json of the same input" [ "$(jq '.resources | length' "$T/audit.json")" -gt 0 ]
rows=$(grep -c '<tr class="finding"' "$T/report.html")
skip_rows=$(grep -c '<tr class="finding" data-result="skip"' "$T/report.html")
shown_rows=$((rows - skip_rows))
runtime_rows=$(grep '<tr class="finding"' "$T/report.html" | grep -v 'data-result="skip"' | grep -ci 'runtime')
check "the report has findings" [ "$rows" -gt 0 ]
check "and skipped rules" [ "$skip_rows" -gt 0 ]

browse --dump-dom "file://$T/report.html" >"$T/dom.html"
check "chromium dumps the DOM" [ -s "$T/dom.html" ]
check "the script ran (data-ready)" grep -q '<body data-ready="true">' "$T/dom.html"
check "all rows but skips are visible without a filter" grep -q "<table id=\"findings\" data-total=\"$rows\" data-visible=\"$shown_rows\">" "$T/dom.html"
check "skips are hidden by default ($skip_rows)" [ "$(grep -c '<tr class="finding"[^>]* hidden' "$T/dom.html")" -eq "$skip_rows" ]
check "and only skips" bash -c "! grep '<tr class=\"finding\"[^>]* hidden' '$T/dom.html' | grep -vq 'data-result=\"skip\"'"
check "the script shows the count" grep -q "<span id=\"shown\">$shown_rows of $rows shown ($skip_rows skipped hidden)</span>" "$T/dom.html"
check "the toggle says how many skips there are" grep -q "<input id=\"show-skips\" type=\"checkbox\"> show skipped rules ($skip_rows)" "$T/dom.html"
check "the hostile script did not run" grep -q '<title>billet audit report</title>' "$T/dom.html"
check "no <img> element was injected" bash -c "! grep -q '<img' '$T/dom.html'"
check "the hostile name renders as text" grep -q '<td>&lt;script&gt;document.title=.pwned.&lt;/script&gt;</td>' "$T/dom.html"
check "the hostile container name renders as text" grep -q 'container "&lt;img src=x onerror=alert(1)&gt;" must' "$T/dom.html"

# Filtering from the URL fragment: only rows containing "runtime" stay visible.
browse --dump-dom "file://$T/report.html#q=runtime" >"$T/dom-q.html"
visible=$(grep '<tr class="finding"' "$T/dom-q.html" | grep -vc ' hidden')
check "#q=runtime leaves rows visible" [ "$visible" -gt 0 ]
check "#q=runtime shows exactly the runtime rows ($runtime_rows)" [ "$visible" -eq "$runtime_rows" ]
check "every visible row mentions runtime" bash -c "! grep '<tr class=\"finding\"' '$T/dom-q.html' | grep -v ' hidden' | grep -vqi runtime"
check "the table counts them" grep -q "data-visible=\"$runtime_rows\"" "$T/dom-q.html"
check "the text box shows the query" grep -q 'id="q"' "$T/dom-q.html"

# Result and namespace selects from the fragment.
fails_prod=$(grep '<tr class="finding" data-result="fail"' "$T/report.html" | grep -c 'data-ns="ml-prod"')
browse --dump-dom "file://$T/report.html#result=fail&ns=ml-prod" >"$T/dom-s.html"
visible=$(grep '<tr class="finding"' "$T/dom-s.html" | grep -vc ' hidden')
check "#result=fail&ns=ml-prod shows only those ($fails_prod)" [ "$visible" -eq "$fails_prod" ] && [ "$fails_prod" -gt 0 ]
check "and only failures in ml-prod" bash -c "! grep '<tr class=\"finding\"' '$T/dom-s.html' | grep -v ' hidden' | grep -vq 'data-result=\"fail\" data-policy=\"[^\"]*\" data-ns=\"ml-prod\"'"

# The run's time and billet's version, as `billet version` prints them.
read -r version commit < <("$BILLET" version | sed -n 's/^billet \([^ ]*\) (commit \([^,]*\),.*/\1 \2/p')
check "the header shows billet's version and commit" grep -q "<span id=\"version\">billet $version (commit $commit)</span>" "$T/dom.html"
ran=$(sed -n 's/.*<time id="ran-at" datetime="\([^"]*\)">.*/\1/p' "$T/dom.html")
ran_s=$(date -u -d "$ran" +%s 2>/dev/null || echo 0)
check "the header shows the run's time ($ran)" [ "$ran_s" -ge "$before" ] && [ "$ran_s" -le "$after" ]
check "in UTC, for people too" grep -q "<time id=\"ran-at\" datetime=\"$ran\">$(date -u -d "$ran" '+%Y-%m-%d %H:%M:%S') UTC</time>" "$T/dom.html"

# Severity and category from the policies' annotations (gpu-workloads: high, GPU).
check "a gpu-workloads finding shows its category and severity" grep -q 'data-policy="gpu-workloads".*<td class="cat">GPU</td><td class="sev" data-v="4"><span class="high">high</span></td>' "$T/dom.html"
check "a policy without annotations is medium" grep -q '<td class="sev" data-v="3"><span class="medium">medium</span></td>' "$T/dom.html"

# file:line of every resource, as the JSON output gives them.
jq -r '.resources[] | "\(.file):\(.line)"' "$T/audit.json" | sort >"$T/loc.json"
grep '<tr class="resource"' "$T/dom.html" | sed 's/.*<td class="loc">\(.*\)<\/td><td class="n c-pass.*/\1/; s/<wbr>//g' | unescape | sort >"$T/loc.dom"
check "every resource shows its file:line ($(wc -l <"$T/loc.json"))" diff "$T/loc.json" "$T/loc.dom"
check "each finding shows its resource's file:line" grep -q 'data-policy="gpu-workloads" data-ns="ml-prod"><td>Deployment</td><td>ml-prod</td><td>gpu-executor</td><td class="loc">.*gpu-deployment.yaml:19</td>' "$T/dom.html"

# The score per resource: the share of its evaluated (not skipped) rules that passed, rounded.
score_of='def id: .kind + "/" + (if .namespace then .namespace + "/" else "" end) + .name;
  .resources[] | ([.results[] | select(.result != "skip")] | length) as $n
  | ([.results[] | select(.result == "pass")] | length) as $p
  | "\(id) \(if $n == 0 then "n/a" else ((200 * $p + $n) / (2 * $n) | floor | tostring) + "%" end)"'
jq -r "$score_of" "$T/audit.json" | sort >"$T/score.json"
grep '<tr class="resource"' "$T/dom.html" |
  sed 's/.*data-id="\([^"]*\)".*<td class="score[^"]*"[^>]*>\(<span class="meter">.*<\/span>\)\{0,1\}\([^<]*\)<\/td><td>.*/\1 \3/' |
  unescape | sort >"$T/score.dom"
check "every resource's score matches audit --output json" diff "$T/score.json" "$T/score.dom"
executor=$(jq -r '.resources[] | select(.name == "gpu-executor") | [.results[] | select(.result != "skip")] as $e
  | ([$e[] | select(.result == "pass")] | length) * 100 / ($e | length) | . + 0.5 | floor' "$T/audit.json")
check "Deployment/ml-prod/gpu-executor scores $executor%" grep -q "<tr class=\"resource\" data-id=\"Deployment/ml-prod/gpu-executor\" data-ns=\"ml-prod\"><td class=\"score[^\"]*\" data-v=\"$executor\" [^>]*><span class=\"meter\"><i style=\"width:$executor%\"></i></span>$executor%</td>" "$T/dom.html"

# The namespace view: per namespace, resources and results counted as the JSON output counts them.
jq -r '.resources | group_by(.namespace // "(cluster)")[] | [.[0].namespace // "(cluster)", length,
  ([.[].results[]] | map(select(.result == "pass")) | length), ([.[].results[]] | map(select(.result == "fail")) | length),
  ([.[].results[]] | map(select(.result == "warn")) | length), ([.[].results[]] | map(select(.result == "error")) | length),
  ([.[].results[]] | map(select(.result == "skip")) | length)] | map(tostring) | join(" ")' "$T/audit.json" | sort >"$T/ns.json"
grep '<tr class="ns-row' "$T/dom.html" |
  sed 's/.*data-ns="\([^"]*\)".*c-resources">\([0-9]*\)<.*c-pass[^>]*>\([0-9]*\)<.*c-fail[^>]*>\([0-9]*\)<.*c-warn[^>]*>\([0-9]*\)<.*c-error[^>]*>\([0-9]*\)<.*c-skip[^>]*>\([0-9]*\)<.*/\1 \2 \3 \4 \5 \6 \7/' |
  unescape | sort >"$T/ns.dom"
check "the namespace view: resources and results per namespace ($(wc -l <"$T/ns.json") namespaces)" diff "$T/ns.json" "$T/ns.dom"
check "and the totals of all namespaces" grep -q "<tr class=\"ns-all\"><th scope=\"row\">all</th><td class=\"n\">$(jq '.resources | length' "$T/audit.json")</td>" "$T/dom.html"

# Picking a namespace filters the resources and the findings to it.
drive pick-ns "Array.prototype.forEach.call(document.querySelectorAll('#namespaces tr.ns-row'), function (r) {
  if (r.getAttribute('data-ns') === 'ml-prod') r.querySelector('button').click(); });"
prod=$(jq '[.resources[] | select(.namespace == "ml-prod")] | length' "$T/audit.json")
check "picking ml-prod marks it" grep -q '<tr class="ns-row current" data-ns="ml-prod">' "$T/pick-ns.html"
check "and shows its $prod resources" grep -q "<table id=\"resources\" data-total=\"[0-9]*\" data-visible=\"$prod\">" "$T/pick-ns.html"
check "only those" [ "$(grep '<tr class="resource"' "$T/pick-ns.html" | grep -v ' hidden' | grep -c 'data-ns="ml-prod"')" -eq "$prod" ]
check "and only ml-prod findings" bash -c "! grep '<tr class=\"finding\"' '$T/pick-ns.html' | grep -v ' hidden' | grep -vq 'data-ns=\"ml-prod\"'"

# The toggle shows the skipped rules; so does #skips=1.
drive skips "document.getElementById('show-skips').click();"
check "after a click on the toggle, every row is visible" grep -q "<table id=\"findings\" data-total=\"$rows\" data-visible=\"$rows\">" "$T/skips.html"
check "no row is hidden" [ "$(grep -c '<tr class="finding"[^>]* hidden' "$T/skips.html")" -eq 0 ]
check "the count says so" grep -q "<span id=\"shown\">$rows of $rows shown</span>" "$T/skips.html"
browse --dump-dom "file://$T/report.html#skips=1" >"$T/dom-skips.html"
check "#skips=1 shows them too" grep -q "data-visible=\"$rows\"" "$T/dom-skips.html"

# Sorting: a click on Score orders the resources worst first, a second click best first; a click on
# Severity orders the findings most severe first. Each changes the order of the rows.
scores() { rows "$1" resource | sed 's/.*<td class="score[^"]*" data-v="\([0-9]*\)".*/\1/'; }
scores "$T/dom.html" >"$T/order.default"
drive sort-score "$(click_header resources Score)"
scores "$T/sort-score.html" >"$T/order.asc"
check "Score, once: the header says ascending" grep -q 'aria-sort="ascending">Score</th>' "$T/sort-score.html"
check "the resources are in ascending score" monotonic asc <"$T/order.asc"
check "the row order changed" bash -c "! cmp -s '$T/order.default' '$T/order.asc'"
check "the same rows" diff <(sort -n "$T/order.default") <(sort -n "$T/order.asc")
drive sort-score2 "$(click_header resources Score) $(click_header resources Score)"
check "Score, twice: the header says descending" grep -q 'aria-sort="descending">Score</th>' "$T/sort-score2.html"
check "the resources are in descending score" monotonic desc < <(scores "$T/sort-score2.html")
severities() { rows "$1" finding | sed 's/.*<td class="sev" data-v="\([0-9]*\)".*/\1/'; }
drive sort-sev "$(click_header findings Severity)"
check "Severity, once: the header says descending" grep -q 'aria-sort="descending">Severity</th>' "$T/sort-sev.html"
check "the findings are most severe first" monotonic desc < <(severities "$T/sort-sev.html")
check "the findings' order changed" bash -c "! cmp -s <($(declare -f rows severities); severities '$T/dom.html') <($(declare -f rows severities); severities '$T/sort-sev.html')"
check "sorting keeps the filters (skips still hidden)" [ "$(rows "$T/sort-sev.html" finding | grep -c ' hidden')" -eq "$skip_rows" ]

rm -f "$SHOT"
browse --hide-scrollbars --screenshot="$SHOT" --window-size=1280,2000 "file://$T/report.html" >/dev/null
check "a screenshot is written" [ -s "$SHOT" ]
check "the screenshot is a PNG" bash -c "head -c 8 '$SHOT' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"

[ $failed -ne 0 ] && sed -n 1,20p "$T/chromium.err"
finish
