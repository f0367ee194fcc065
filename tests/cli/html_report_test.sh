#!/usr/bin/env bash
# `billet audit --html` in a real browser: Debian's chromium, headless, loads the report, runs its
# script, and the DOM after scripts ran is checked (ready marker, row counts, filtering from the URL
# fragment, a hostile name rendered as text). Also takes a screenshot. Fails if chromium is missing
# (scripts/deps.sh test installs it). Usage: html_report_test.sh BILLET SOURCE_DIR [SCREENSHOT]
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

cat > "$T/hostile.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: "<script>document.title='pwned'</script>"
  namespace: "x&y"
spec:
  containers:
    - name: "<img src=x onerror=alert(1)>"
      image: busybox:latest
YAML

"$BILLET" audit -p "$SRC/manifests/policies" -f "$SRC/manifests/examples" -f "$T/hostile.yaml" \
  --html "$T/report.html" >/dev/null 2>"$T/err"
check "audit --html exits 0" [ $? -eq 0 ]
check "the report is written" [ -s "$T/report.html" ]
rows=$(grep -c '<tr class="finding"' "$T/report.html")
runtime_rows=$(grep '<tr class="finding"' "$T/report.html" | grep -ci 'runtime')
check "the report has findings" [ "$rows" -gt 0 ]

browse --dump-dom "file://$T/report.html" >"$T/dom.html"
check "chromium dumps the DOM" [ -s "$T/dom.html" ]
check "the script ran (data-ready)" grep -q '<body data-ready="true">' "$T/dom.html"
check "all rows are visible without a filter" grep -q "<table id=\"findings\" data-total=\"$rows\" data-visible=\"$rows\">" "$T/dom.html"
check "no row is hidden without a filter" [ "$(grep -c '<tr class="finding"[^>]*hidden' "$T/dom.html")" -eq 0 ]
check "the script shows the count" grep -q "<span id=\"shown\">$rows of $rows shown</span>" "$T/dom.html"
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

rm -f "$SHOT"
browse --hide-scrollbars --screenshot="$SHOT" --window-size=1280,1600 "file://$T/report.html" >/dev/null
check "a screenshot is written" [ -s "$SHOT" ]
check "the screenshot is a PNG" bash -c "head -c 8 '$SHOT' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"

[ $failed -ne 0 ] && sed -n 1,20p "$T/chromium.err"
finish
