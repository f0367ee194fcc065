# billet reads its inputs as kubectl does:
# - every plain scalar of testdata/scalars.yaml (octal modes, YAML 1.1 booleans, underscores,
#   exponents, keys, float keys) and of its double-quoted escapes gets the value, or the name,
#   kubectl sends to the API server;
# - a key kubectl cannot make a member name of (a null, a sequence, an integer past int64) makes
#   both refuse the file;
# - a key given twice keeps its last value in both;
# - quoted and folded scalars that end with blank lines (testdata/scalar-ends.yaml), and a plain
#   scalar before `:` and `,`, `]` or `}` in a flow collection (testdata/flow-colons.yaml), read the
#   same in both;
# - merge keys and tagged scalars (testdata/merges.yaml) read the same in both, and a merge or a
#   tag kubectl refuses is refused by both, as is an infinity or NaN (`.inf`, `-.Inf`, `.NaN`), a
#   key with no `:` after it and an empty entry in a flow sequence (`[1, , 2]`);
# - a control character in a document, comments included, makes both refuse that document and
#   read the one before it;
# - a JSON file after a UTF-8 byte order mark is read by both, and its numbers (and the table's)
#   have the texts the API server stores: `1.0` is 1, 12345678901234567890 is 12345678901234567000;
#   a number past a float64's range makes both refuse it;
# - generated tables of plain YAML scalars and JSON numbers (testdata/gen_scalars.sh) are read,
#   member by member, as the API server stores them;
# - a document whose top-level items are a sequence is a list to both, whatever its kind;
# - a file is JSON or YAML to both by what it holds, not its name: JSON objects one after another
#   in a .yaml file, YAML from where JSON fails before a third value, YAML in a .json file;
# - a document after a `...` line with no `---` line before it is sent by neither (nor one after
#   `---` and `...` first in the file), and a piece of the stream that begins with `...`, or a
#   line that begins with `---` and holds more than a comment (`--- {a: 1}`, `----`), or a
#   `%YAML` directive before the first `---` line, is refused by both (and `---#c` read by both
#   as a separator), as is a tab after
#   `-` or `?` before a node (or at the start of a line between them), and `\/` in a
#   double-quoted scalar;
# - bytes that are not UTF-8 (in values, a key, a comment) are read by both as U+FFFD, one for
#   each maximal subpart, and NEL as a line break; in JSON too, where NEL is a character and a
#   surrogate escape that pairs with nothing (`"\ud800"`) is U+FFFD;
# - UTF-16 is decoded by both before anything else, UTF-32 refused by both (its NULs); after a
#   UTF-8 byte order mark, what is not UTF-8 is refused by both in YAML, and U+FFFD for each
#   byte in JSON.

prepare() {
  k apply -f "$(dirname "${BASH_SOURCE[0]}")/../testdata/scalars-crd.yaml" > /dev/null
  k wait --for condition=Established --timeout 30s crd/scalars.billet.test > /dev/null
}

scenario() {
  local data data_dir
  data_dir="$(dirname "${BASH_SOURCE[0]}")/../testdata"
  data="$data_dir/scalars.yaml"
  wait_for "Scalars served" 30 k get scalars || true
  k create --dry-run=server -o json -f "$data" | jq -S .spec > "$T/kubectl.json"
  "$BILLET" lint -p "$ROOT/manifests/policies" -f "$data" --patched --output json \
    | jq -S '.items[0].spec' > "$T/billet.json"
  check "kubectl read the table" at_least 40 "$(jq 'length' "$T/kubectl.json")"
  local key
  for key in $(jq -r 'keys[]' "$T/kubectl.json"); do
    check "spec.$key: billet reads what kubectl sends" same \
      "$(jq -c --arg k "$key" '.[$k]' "$T/kubectl.json")" "$(jq -c --arg k "$key" '.[$k]' "$T/billet.json")"
  done
  check "billet reads no field kubectl does not send" same \
    "$(jq -c 'keys' "$T/kubectl.json")" "$(jq -c 'keys' "$T/billet.json")"
  # jq reads numbers as doubles, so the checks above cannot tell 9223372036854775808 from
  # 9223372036854776000: the numbers' texts are compared as written.
  k create --dry-run=server -o json -f "$data" | number_texts > "$T/kubectl-numbers"
  "$BILLET" lint -p "$ROOT/manifests/policies" -f "$data" --patched --output json 2> /dev/null |
    number_texts > "$T/billet-numbers"
  check "the table's numbers: kubectl sent 20 at least" at_least 20 "$(wc -l < "$T/kubectl-numbers")"
  check "the table's numbers: billet reads the texts the API server stores" same \
    "$(cat "$T/kubectl-numbers")" "$(cat "$T/billet-numbers")"
  # A .json manifest's numbers: kubectl decodes them into Go values and sends what Go writes.
  printf '{"apiVersion":"billet.test/v1","kind":"Scalars","metadata":{"name":"json-numbers","namespace":"default"},"spec":{"one":1.0,"thousand":1e3,"minusZero":-0,"minusZeroFloat":-0.0,"big":12345678901234567890,"pastInt64":9223372036854775808,"int64Min":-9223372036854775808,"tiny":1E-7,"huge":1e21,"half":2.50,"under":1e-400,"list":[0.10,5e0]}}\n' \
    > "$T/numbers.json"
  k create --dry-run=server -o json -f "$T/numbers.json" | number_texts > "$T/numbers-kubectl"
  check "JSON numbers: kubectl sent 11 members" same 11 "$(wc -l < "$T/numbers-kubectl")"
  check "JSON numbers: billet lint reads the texts the API server stores" same \
    "$(cat "$T/numbers-kubectl")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/numbers.json" --patched --output json \
      2> /dev/null | number_texts)"
  check "JSON numbers: the list's too" same '[0.1,5]' \
    "$(k create --dry-run=server -o json -f "$T/numbers.json" | tr -d ' \n' | grep -o '"list":\[[^]]*\]' | cut -d: -f2)"
  check "JSON numbers: billet's list" same '[0.1,5]' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/numbers.json" --patched --output json \
      2> /dev/null | grep -o '"list":\[[^]]*\]' | cut -d: -f2)"
  # Generated tables (testdata/gen_scalars.sh, fixed seeds): plain YAML scalars made of the
  # pieces readers disagree on, and JSON numbers near the ends of int64 and float64, each member's
  # text as the API server stores it and as billet reads it.
  local mode seed
  for mode in yaml json; do
    for seed in 1 2 3; do
      bash "$data_dir/gen_scalars.sh" "$mode" "$seed" 500 > "$T/generated-$mode-$seed.$mode"
      k create --dry-run=server -o json -f "$T/generated-$mode-$seed.$mode" | generated_members \
        > "$T/generated-$mode-$seed.kubectl"
      check "generated $mode ($seed): the API server stored 500 members" same 500 \
        "$(wc -l < "$T/generated-$mode-$seed.kubectl")"
      check "generated $mode ($seed): billet reads each as the API server stores it" same \
        "$(cat "$T/generated-$mode-$seed.kubectl")" \
        "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/generated-$mode-$seed.$mode" \
          --patched --output json 2> /dev/null | generated_members)"
    done
  done
  printf '{"apiVersion":"billet.test/v1","kind":"Scalars","metadata":{"name":"json-huge","namespace":"default"},"spec":{"a":[1,1e400]}}\n' \
    > "$T/huge.json"
  check "a JSON number past a float64's range: kubectl refuses the file" \
    refused_number_by_kubectl "$T/huge.json"
  check "and billet lint refuses it at its field path" refused_number_by_billet "$T/huge.json"
  local key_text n=0
  printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: key-0, namespace: default}\nspec:\n  ok: 1\n  fine: 2\n' \
    > "$T/key-0.yaml"
  check "the same file with a string key: kubectl sends it" sent_by_kubectl "$T/key-0.yaml"
  for key_text in '~' 'null' '[a, b]' '12345678901234567890'; do
    n=$((n + 1))
    printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: key-%s, namespace: default}\nspec:\n  ok: 1\n  %s: 2\n' \
      "$n" "$key_text" > "$T/key-$n.yaml"
    check "key '$key_text': kubectl refuses the file" refused_by_kubectl "$T/key-$n.yaml"
    check "key '$key_text': billet lint refuses it at the key (6:3)" refused_by_billet "$T/key-$n.yaml"
  done
  # A key given twice in one mapping: kubectl sends the last value, whole (a mapping is not
  # merged), and does not complain; billet reads the same object.
  printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: twice, namespace: default}\nspec:\n  twice: 1\n  other: x\n  twice: 2\n  nested:\n    a: 1\n  nested:\n    b: 2\n  flow: {k: 1, k: 3}\n' \
    > "$T/twice.yaml"
  k create --dry-run=server -o json -f "$T/twice.yaml" | jq -S -c .spec > "$T/twice-kubectl.json"
  check "keys given twice: kubectl sends the last values" same \
    '{"flow":{"k":3},"nested":{"b":2},"other":"x","twice":2}' "$(cat "$T/twice-kubectl.json")"
  check "keys given twice: billet lint reads what kubectl sends" same \
    "$(cat "$T/twice-kubectl.json")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/twice.yaml" --patched --output json \
      2> /dev/null | jq -S -c '.items[0].spec')"

  # Merge keys (`<<: *defaults`) and tagged scalars (`!!int "7"`, `!!binary`): the same object.
  k create --dry-run=server -o json -f "$data_dir/merges.yaml" | jq -S -c .spec > "$T/merges-kubectl.json"
  check "merge keys and tags: kubectl read them" at_least 20 "$(jq 'length' "$T/merges-kubectl.json")"
  check "merge keys and tags: billet lint reads what kubectl sends" same \
    "$(cat "$T/merges-kubectl.json")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$data_dir/merges.yaml" --patched \
      --output json 2> /dev/null | jq -S -c '.items[0].spec')"
  # Quoted and folded scalars ending with blank lines (yaml-cpp drops line breaks there): the
  # same object.
  k create --dry-run=server -o json -f "$data_dir/scalar-ends.yaml" | jq -S -c .spec \
    > "$T/scalar-ends-kubectl.json"
  check "scalars ending with blank lines: kubectl keeps a line feed for each" same \
    '"x\n\n" "x\n\n\n\n\n" "x\n\n"' \
    "$(jq -r '[.single, .escapes, .folded] | map(tojson) | join(" ")' "$T/scalar-ends-kubectl.json")"
  check "scalars ending with blank lines: billet lint reads what kubectl sends" same \
    "$(cat "$T/scalar-ends-kubectl.json")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$data_dir/scalar-ends.yaml" --patched \
      --output json 2> /dev/null | jq -S -c '.items[0].spec')"
  # A plain scalar followed by `:` and then `,`, `]` or `}` in a flow collection: one scalar to
  # kubectl (a key `a:`, a string in a sequence), where yaml-cpp reads a key and a value.
  k create --dry-run=server -o json -f "$data_dir/flow-colons.yaml" | jq -S -c .spec \
    > "$T/flow-colons-kubectl.json"
  check "a colon before a flow indicator: kubectl keeps it in the scalar" same \
    '{"a:":null,"b":1,"c:":null} ["x","a:",{"b":1},"c d:"]' \
    "$(jq -c '.keys, .entries' "$T/flow-colons-kubectl.json" | paste -sd ' ')"
  check "a colon before a flow indicator: billet lint reads what kubectl sends" same \
    "$(cat "$T/flow-colons-kubectl.json")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$data_dir/flow-colons.yaml" --patched \
      --output json 2> /dev/null | jq -S -c '.items[0].spec')"
  # A JSON file saved with a UTF-8 byte order mark (as Windows editors write it): kubectl reads
  # the object after it, and so does billet.
  printf '\xef\xbb\xbf{"apiVersion":"billet.test/v1","kind":"Scalars","metadata":{"name":"bom","namespace":"default"},"spec":{"a":[1,"x"]}}\n' \
    > "$T/bom.json"
  check "a JSON file after a byte order mark: kubectl sends it" same '{"a":[1,"x"]}' \
    "$(k create --dry-run=server -o json -f "$T/bom.json" | jq -c .spec)"
  check "a JSON file after a byte order mark: billet lint reads it" same '{"a":[1,"x"]}' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/bom.json" --patched --output json \
      2> /dev/null | jq -c '.items[0].spec')"
  # A document whose top-level items are a sequence is a list to kubectl, whatever its kind (a
  # ConfigMapList as the API returns it, or a kind of its own, as long as the cluster knows it):
  # it sends the items, never the document. billet evaluates the same objects, from YAML and
  # from JSON.
  printf 'apiVersion: v1\nkind: ConfigMapList\nmetadata: {resourceVersion: "1"}\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: listed-a, namespace: default}}\n---\napiVersion: billet.test/v1\nkind: Scalars\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: listed-b, namespace: default}}\n' \
    > "$T/lists.yaml"
  printf '{"kind": "ConfigMapList", "apiVersion": "v1", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "listed-c", "namespace": "default"}}]}\n' \
    > "$T/lists.json"
  local f
  for f in lists.yaml lists.json; do
    check "lists ($f): kubectl sends their items" same \
      "$(k create --dry-run=server -o json -f "$T/$f" | jq -s -c '[.[] | if .kind == "List" then .items[] else . end | .metadata.name]')" \
      "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/$f" --patched --output json 2> /dev/null | jq -c '[.items[].metadata.name]')"
  done
  check "lists: the names are the items'" same '["listed-c"]' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/lists.json" --patched --output json 2> /dev/null | jq -c '[.items[].metadata.name]')"
  # A document after a `...` line with no `---` line before it: kubectl reads the first document
  # of each piece between `---` lines and drops it without a word; billet skips it with a note.
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ended-a, namespace: default}\n...\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ended-b, namespace: default}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ended-c, namespace: default}\n' \
    > "$T/ended.yaml"
  check "after '...': kubectl sends the documents before it and after the next ---" same \
    '["ended-a","ended-c"]' \
    "$(k create --dry-run=server -o json -f "$T/ended.yaml" | jq -s -c '[.[].metadata.name]')"
  check "after '...': billet lint evaluates the same" same '["ended-a","ended-c"]' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/ended.yaml" --patched --output json \
      2> "$T/ended.err" | jq -c '[.items[].metadata.name]')"
  check "after '...': and says which it skipped" grep -q \
    "ended.yaml:5: skipped: a document after another with no \`---\` line between them" "$T/ended.err"
  # A `---` line first in the file stays in the piece it begins (kubectl cuts at a `---` line only
  # after something): its empty document is the piece's first, and the next is dropped. After a
  # cut, a piece that begins with `...` is refused by both.
  printf -- '---\n...\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept-a, namespace: default}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept-b, namespace: default}\n' \
    > "$T/kept.yaml"
  check "'---' then '...' first: kubectl sends the document after the next ---" same '["kept-b"]' \
    "$(k create --dry-run=server -o json -f "$T/kept.yaml" | jq -s -c '[.[].metadata.name]')"
  check "'---' then '...' first: billet lint evaluates the same" same '["kept-b"]' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/kept.yaml" --patched --output json \
      2> /dev/null | jq -c '[.items[].metadata.name]')"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cut-a, namespace: default}\n---\n# c\n...\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cut-b, namespace: default}\n' \
    > "$T/cut.yaml"
  check "a piece beginning with '...': kubectl refuses the file" same 1 \
    "$(k create --dry-run=server -f "$T/cut.yaml" 2>&1 | grep -c 'did not find expected node content')"
  check "a piece beginning with '...': billet lint refuses it at its line" same 1 \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/cut.yaml" 2>&1 |
      grep -c 'cut.yaml:6:1: invalid YAML: a `...` line first in a piece of the stream')"
  # A directive before the first `---` line is a piece with no document to kubectl, which cuts
  # the stream first: it refuses the file, where yaml-cpp reads the directive for the document.
  printf '# header\n%%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: directive-a, namespace: default}\n' \
    > "$T/directive.yaml"
  check "a directive before '---': kubectl refuses the file" same 1 \
    "$(k create --dry-run=server -f "$T/directive.yaml" 2>&1 | grep -c 'did not find expected <document start>')"
  check "a directive before '---': billet lint refuses it at its line" same 1 \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/directive.yaml" 2>&1 |
      grep -c 'directive.yaml:2:1: invalid YAML: a `%` directive before a `---` line')"
  # JSON or YAML by what a file holds, not its name: JSON values one after another when it
  # starts with `{`, and YAML from where JSON fails, unless two values came before it.
  local tab
  cm() { printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","namespace":"default"},"data":{"a":"%s"}}' "$1" "$2"; }
  tab=$(printf '\t')
  { cm seq-a 1; echo; cm seq-b 'x\/y'; echo; } > "$T/seq.yaml"
  { cm fb-a 1; echo; cm fb-b "x${tab}y"; echo; } > "$T/fallback.yaml"
  { cm jy-a 1; printf '\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: jy-b, namespace: default}\n'; } > "$T/json-yaml.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yj-a, namespace: default}\n' > "$T/yaml-named.json"
  for f in seq.yaml fallback.yaml json-yaml.yaml yaml-named.json; do
    check "JSON or YAML ($f): billet lint evaluates what kubectl sends" same \
      "$(k create --dry-run=server -o json -f "$T/$f" | jq -s -c '[.[].metadata.name]')" \
      "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/$f" --patched --output json 2> /dev/null | jq -c '[.items[].metadata.name]')"
  done
  check "JSON or YAML: the names are both objects'" same '["fb-a","fb-b"]' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/fallback.yaml" --patched --output json 2> /dev/null | jq -c '[.items[].metadata.name]')"
  { cm third-a 1; cm third-b 2; cm third-c "x${tab}y"; echo; } > "$T/third.yaml"
  check "JSON or YAML: after two JSON values, kubectl sends them and refuses the third" same \
    '["third-a","third-b"] 1' \
    "$(k create --dry-run=server -o json -f "$T/third.yaml" 2> "$T/third.kubectl-err" | jq -s -c '[.[].metadata.name]') $(grep -c "invalid character" "$T/third.kubectl-err")"
  check "JSON or YAML: billet lint evaluates the two and refuses the third" same \
    '["third-a","third-b"] 1' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/third.yaml" --patched --output json 2> "$T/third.err" | jq -c '[.items[].metadata.name]') $(grep -c "third.yaml:1:[0-9]*: invalid JSON: control character in string" "$T/third.err")"
  # Bytes that are not UTF-8: kubectl reads its input as UTF-8 with replacement, and sends U+FFFD
  # for each maximal subpart (2 + 1 + 1 + 5 + 3 + 4 + 1 of them here); billet reads the same.
  printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: not-utf8, namespace: default}  # caf\351\nspec:\n  latin1: "caf\351 \240"\n  plain: x\377y\n  cut: "\342\202"\n  overlong: "\300\257 \340\200\257"\n  surrogate: "\355\240\200"\n  past: "\364\220\200\200"\n  "k\351y": 1\n' \
    > "$T/not-utf8.yaml"
  k create --dry-run=server -o json -f "$T/not-utf8.yaml" | jq -S -c .spec > "$T/not-utf8-kubectl.json"
  check "bytes that are not UTF-8: kubectl sends 17 U+FFFD for them" same 17 \
    "$(grep -o $'\xef\xbf\xbd' "$T/not-utf8-kubectl.json" | wc -l)"
  check "bytes that are not UTF-8: billet lint reads what kubectl sends" same \
    "$(cat "$T/not-utf8-kubectl.json")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/not-utf8.yaml" --patched --output json \
      2> /dev/null | jq -S -c '.items[0].spec')"
  # The same decoding comes before kubectl's JSON reader (`\/` keeps the file JSON: YAML refuses
  # it), which then reads a surrogate escape that pairs with nothing as U+FFFD; and NEL is a
  # character in a JSON string. billet reads the same.
  printf '{"apiVersion":"billet.test/v1","kind":"Scalars","metadata":{"name":"json-not-utf8","namespace":"default"},"spec":{"a":"p\342\202q\300\257","b":"\\udc00\\ud800\\ud83d\\ude00\\u0041","c":"x\\/y","d":"n\302\205l"}}\n' \
    > "$T/not-utf8.json"
  k create --dry-run=server -o json -f "$T/not-utf8.json" | jq -S -c .spec > "$T/not-utf8-json-kubectl.json"
  check "JSON not UTF-8, lone surrogate escapes: kubectl sends U+FFFD for them" same \
    '{"a":"p�q��","b":"��😀A","c":"x/y","d":"n'$'\302\205''l"}' "$(cat "$T/not-utf8-json-kubectl.json")"
  check "JSON not UTF-8, lone surrogate escapes: billet lint reads what kubectl sends" same \
    "$(cat "$T/not-utf8-json-kubectl.json")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/not-utf8.json" --patched --output json \
      2> /dev/null | jq -S -c '.items[0].spec')"
  # After a UTF-8 byte order mark kubectl's decoder passes what is not UTF-8 on as it is: its
  # YAML reader refuses it, its JSON decoder reads U+FFFD for each byte; billet reads the same.
  printf '\357\273\277apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: bom-latin1, namespace: default}\nspec: {a: "caf\351"}\n' \
    > "$T/bom-latin1.yaml"
  check "after a byte order mark, YAML not UTF-8: kubectl refuses it" same 1 \
    "$(k create --dry-run=server -f "$T/bom-latin1.yaml" 2>&1 | grep -c 'UTF-8')"
  check "after a byte order mark, YAML not UTF-8: billet lint refuses it" same 1 \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/bom-latin1.yaml" 2>&1 | grep -c 'bom-latin1.yaml:4:[0-9]*: invalid YAML: byte 0xe9 is not UTF-8')"
  printf '\357\273\277{"apiVersion":"billet.test/v1","kind":"Scalars","metadata":{"name":"bom-cut","namespace":"default"},"spec":{"a":"p\342\202q"}}\n' \
    > "$T/bom-cut.json"
  check "after a byte order mark, JSON not UTF-8: kubectl reads U+FFFD for each byte" same \
    '{"a":"p��q"}' "$(k create --dry-run=server -o json -f "$T/bom-cut.json" | jq -c .spec)"
  check "after a byte order mark, JSON not UTF-8: billet lint reads the same" same \
    '{"a":"p��q"}' \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/bom-cut.json" --patched --output json 2> /dev/null | jq -c '.items[0].spec')"
  # UTF-16 (Windows PowerShell writes it when output is redirected) is decoded by kubectl before
  # anything else, and so by billet: a YAML stream with a `---#c` line and a surrogate that pairs
  # with nothing (U+FFFD), a big-endian JSON object with `\/` in it; UTF-32, which kubectl reads
  # as bytes, is refused by both for its NULs.
  { printf '\377\376'
    printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: utf16-a, namespace: default}\nspec: {a: "p' | iconv -f UTF-8 -t UTF-16LE
    printf '\000\330'
    printf 'q"}\n---#c\napiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: utf16-b, namespace: default}\nspec: {b: caf\303\251}\n' | iconv -f UTF-8 -t UTF-16LE
  } > "$T/utf16.yaml"
  { printf '\376\377'
    printf '{"apiVersion":"billet.test/v1","kind":"Scalars","metadata":{"name":"utf16-c","namespace":"default"},"spec":{"c":"x\\/y"}}\n' | iconv -f UTF-8 -t UTF-16BE
  } > "$T/utf16.json"
  for f in utf16.yaml utf16.json; do
    check "UTF-16 ($f): billet lint reads what kubectl sends" same \
      "$(k create --dry-run=server -o json -f "$T/$f" | jq -s -c '[.[] | [.metadata.name, .spec]]')" \
      "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/$f" --patched --output json 2> /dev/null | jq -c '[.items[] | [.metadata.name, .spec]]')"
  done
  check "UTF-16: kubectl sends both objects, U+FFFD for the lone surrogate" same \
    '[["utf16-a",{"a":"p�q"}],["utf16-b",{"b":"café"}]]' \
    "$(k create --dry-run=server -o json -f "$T/utf16.yaml" | jq -s -c '[.[] | [.metadata.name, .spec]]')"
  { printf '\000\000\376\377'
    printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: utf32, namespace: default}\n' | iconv -f UTF-8 -t UTF-32BE
  } > "$T/utf32.yaml"
  check "UTF-32: kubectl refuses its NULs" same 1 \
    "$(k create --dry-run=server -f "$T/utf32.yaml" 2>&1 | grep -c 'control characters are not allowed')"
  check "UTF-32: billet lint refuses them" same 1 \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/utf32.yaml" 2>&1 | grep -c 'utf32.yaml:1:1: invalid YAML: control character U+0000')"
  # NEL (U+0085) is a line break to kubectl's YAML 1.1 reader: it ends a comment, folds into a
  # space in a quoted scalar, and is a line feed in a block scalar; billet reads the same.
  printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: nel, namespace: default}\nspec:\n  a: 1 # c\302\205  b: "x\302\205y"\n  c: |\n    p\302\205    q\n' \
    > "$T/nel.yaml"
  k create --dry-run=server -o json -f "$T/nel.yaml" | jq -S -c .spec > "$T/nel-kubectl.json"
  check "NEL: kubectl reads it as a line break" same '{"a":1,"b":"x y","c":"p\nq\n"}' \
    "$(cat "$T/nel-kubectl.json")"
  check "NEL: billet lint reads what kubectl sends" same "$(cat "$T/nel-kubectl.json")" \
    "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/nel.yaml" --patched --output json \
      2> /dev/null | jq -S -c '.items[0].spec')"
  # A merge key's value that is not mappings, a tag its text does not fit: both refuse the file.
  local bad
  n=0
  for bad in '<<: ~' '<<: [1]' 'v: !!int abc' 'v: !!bool maybe' 'v: !!binary "%%%%"' 'v: .inf' \
    'v: [-.Inf]' 'v: {w: .NaN}' 'v: !!float +.INF' 'stray' 'v: [1, , 2]' 'v: "a\/b"'; do
    n=$((n + 1))
    printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: bad-%s, namespace: default}\nspec:\n  ok: 1\n  %s\n' \
      "$n" "$bad" > "$T/bad-$n.yaml"
    check "'$bad': kubectl refuses the file" refused_yaml_by_kubectl "$T/bad-$n.yaml"
    # The infinities and NaN are refused as such (`!!float +.INF` was refused, wrongly, as a
    # string that is not a float).
    case "$bad" in
      *inf* | *Inf* | *INF* | *NaN*) check "'$bad': billet lint refuses it as a float JSON cannot hold" \
        refused_yaml_by_billet "$T/bad-$n.yaml" "is a float JSON cannot hold" ;;
      # A key with no `:` after it, last in its mapping, which yaml-cpp reads as `stray: null`.
      stray) check "'$bad': billet lint refuses it as a key without ':'" \
        refused_yaml_by_billet "$T/bad-$n.yaml" "a mapping key without" ;;
      # yaml-cpp reads the empty entry as a null, as it reads `~`.
      *', ,'*) check "'$bad': billet lint refuses it as an empty entry" \
        refused_yaml_by_billet "$T/bad-$n.yaml" "an empty entry in a flow sequence" ;;
      # yaml-cpp (YAML 1.2) reads `\/` as `/`; kubectl's reader (YAML 1.1) knows no such escape.
      *'\/'*) check "'$bad': billet lint refuses the escape" \
        refused_yaml_by_billet "$T/bad-$n.yaml" "an escape YAML 1.1 does not have" ;;
      *) check "'$bad': billet lint refuses it, naming line 6" refused_yaml_by_billet "$T/bad-$n.yaml" ;;
    esac
  done
  # A tab after `-`, `?` or an explicit value's `:`, or at the start of a line between a node and
  # what it follows: kubectl refuses the file, yaml-cpp reads it, billet refuses it at the node.
  local tabbed
  n=0
  for tabbed in '  -\tx' '  - \tx' '  -\n\t\n    x: 1' '  ?\tx\n  : 1'; do
    n=$((n + 1))
    printf "apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: tab-%s, namespace: default}\nspec:\n  k:\n$tabbed\n" \
      "$n" > "$T/tab-$n.yaml"
    check "tab layout $n: kubectl refuses the file" same 1 \
      "$(k create --dry-run=server -f "$T/tab-$n.yaml" 2>&1 | grep -c 'found character that cannot start any token')"
    check "tab layout $n: billet lint refuses it" same 1 \
      "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/tab-$n.yaml" 2>&1 |
        grep -c 'tab-'"$n"'.yaml:[678]:[0-9]*: invalid YAML: a tab after')"
  done
  # kubectl cuts a stream at the lines that begin with `---` and refuses one with more than a
  # comment after the dashes, a node YAML would read (`--- {a: 1}`) or not (`----`, `---x`); a
  # comment there it reads, with no blank before it too (`---#c`, a plain scalar to YAML), and
  # so does billet, which evaluates the documents on both sides of it.
  local after
  n=0
  for after in ' {a: 1}' ' |' ' !!map' '-' 'x' ' # a comment' '#c'; do
    n=$((n + 1))
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sep-%s, namespace: default}\n---%s\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: sep-%s-b, namespace: default}\n' \
      "$n" "$after" "$n" > "$T/sep-$n.yaml"
    if [ "${after#*#}" != "$after" ]; then
      check "'---$after': kubectl reads the file" same "configmap/sep-$n configmap/sep-$n-b" \
        "$(k create --dry-run=server -o name -f "$T/sep-$n.yaml" 2>&1 | paste -sd ' ')"
      check "'---$after': billet lint evaluates the same" same "[\"sep-$n\",\"sep-$n-b\"]" \
        "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/sep-$n.yaml" --patched --output json \
          2> /dev/null | jq -c '[.items[].metadata.name]')"
    else
      check "'---$after': kubectl refuses the file" same 1 \
        "$(k create --dry-run=server -f "$T/sep-$n.yaml" 2>&1 | grep -c 'invalid Yaml document separator')"
      check "'---$after': billet lint refuses it at its line" same 1 \
        "$("$BILLET" lint -p "$ROOT/manifests/policies" -f "$T/sep-$n.yaml" 2>&1 |
          grep -c "sep-$n.yaml:4:1: invalid YAML: a line starting with \`---\` holds more than a comment (kubectl: invalid Yaml document separator: ")"
    fi
  done
  # A control character anywhere in a document, comments included: both refuse it. The document
  # before it in the file is read by both (kubectl creates it; billet evaluates it).
  local where
  n=0
  for where in 'value' 'quoted' 'comment' 'trailing-comment' 'c1'; do
    n=$((n + 1))
    {
      printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before-%s, namespace: default}\n---\n' "$n"
      printf 'apiVersion: billet.test/v1\nkind: Scalars\nmetadata: {name: ctl-%s, namespace: default}\nspec:\n' "$n"
      case "$where" in
        value) printf '  v: a\001b\n' ;;
        quoted) printf '  v: "a\033[0m"\n' ;;
        comment) printf '  # a \177 here\n  v: 1\n' ;;
        trailing-comment) printf '  v: 1\n# \033[31m\n' ;;
        c1) printf '  v: a\302\206b\n' ;;
      esac
    } > "$T/ctl-$n.yaml"
    check "control character ($where): kubectl refuses the document" refused_control_by_kubectl \
      "$T/ctl-$n.yaml"
    check "control character ($where): billet lint refuses it on its line, after the first document" \
      refused_control_by_billet "$T/ctl-$n.yaml"
  done
}

number_texts() {  # the members whose value is a number, as written: "name":text, sorted
  grep -oE '"[A-Za-z0-9]+": ?-?[0-9][-+.0-9eE]*' | grep -v '^"generation"' | sed 's/": /":/' |
    sort
}
generated_members() {  # "kN":value as written, sorted; Go's escapes of <, > and & read back
  grep -oE '"k[0-9]+": ?("([^"\\]|\\.)*"|[-+.0-9eE]+|true|false|null)' |
    sed 's/": /":/; s/\\u003c/</g; s/\\u003e/>/g; s/\\u0026/\&/g' | sort
}
refused_number_by_kubectl() {
  ! k create --dry-run=server -f "$1" > /dev/null 2> "$1.kubectl-err" &&
    grep -q "json: cannot unmarshal number 1e400 into Go value of type float64" "$1.kubectl-err"
}
refused_number_by_billet() {
  ! "$BILLET" lint -p "$ROOT/manifests/policies" -f "$1" > /dev/null 2> "$1.err" &&
    grep -q "$(basename "$1"):1:1: spec.a\[1\]: invalid JSON: number 1e400 is past a float64's range" "$1.err"
}
sent_by_kubectl() { k create --dry-run=server -f "$1" > /dev/null; }
refused_control_by_kubectl() {  # FILE: the first document is sent, the second refused
  ! k create --dry-run=server -f "$1" > "$1.kubectl-out" 2> "$1.kubectl-err" &&
    grep -q "control characters are not allowed" "$1.kubectl-err" &&
    grep -q "configmap/before-" "$1.kubectl-out"
}
refused_control_by_billet() {  # FILE: the ConfigMap evaluated, the control character's line named
  local line n
  n=$(basename "$1" .yaml)
  line=$(LC_ALL=C grep -naP '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x84\x86-\x9f]' "$1" | head -1 | cut -d: -f1)
  ! "$BILLET" lint -p "$ROOT/manifests/policies" -f "$1" --output json > "$1.out" 2> "$1.err" &&
    grep -Eq "$(basename "$1"):$line:[0-9]+: invalid YAML: control character U\+[0-9A-F]{4} is not allowed in YAML" "$1.err" &&
    [ "$(jq -r '[.resources[].name] | join(",")' "$1.out")" = "before-${n#ctl-}" ]
}
refused_by_kubectl() {  # FILE: kubectl fails on the key, before sending anything
  ! k create --dry-run=server -f "$1" > /dev/null 2> "$1.kubectl-err" &&
    grep -Eq "unsupported map key|invalid map key" "$1.kubectl-err"
}
refused_yaml_by_kubectl() {  # FILE: kubectl fails turning the YAML into JSON
  ! k create --dry-run=server -f "$1" > /dev/null 2> "$1.kubectl-err" &&
    grep -Eq "error converting YAML to JSON: (yaml: (map merge|cannot decode|!!binary|line [0-9]+: (could not find expected ':'|did not find expected node content|found unknown escape character))|json: unsupported value)" \
      "$1.kubectl-err"
}
refused_yaml_by_billet() {  # FILE [MESSAGE]: lint fails, naming the line (and saying MESSAGE)
  ! "$BILLET" lint -p "$ROOT/manifests/policies" -f "$1" > /dev/null 2> "$1.err" &&
    grep -Eq "$(basename "$1"):6:[0-9]+: invalid YAML: .*${2:-(map merge|cannot decode|!!binary)}" \
      "$1.err"
}
refused_by_billet() {  # FILE: lint fails, naming the key's line and column
  ! "$BILLET" lint -p "$ROOT/manifests/policies" -f "$1" > /dev/null 2> "$1.err" &&
    grep -Eq "$(basename "$1"):6:3: invalid YAML: an? .* mapping key" "$1.err"
}
