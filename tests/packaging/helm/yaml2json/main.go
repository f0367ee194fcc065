// yaml2json reads a stream of YAML documents (what `helm template` and `kubectl kustomize` print)
// on stdin and prints them as one JSON array, empty documents left out, so that the packaging
// tests compare rendered objects with jq instead of as text.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

func main() {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	docs := []json.RawMessage{}
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "yaml2json: document %d: %v\n", n, err)
			os.Exit(1)
		}
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			fmt.Fprintf(os.Stderr, "yaml2json: document %d: %v\n", n, err)
			os.Exit(1)
		}
		if string(j) != "null" {
			docs = append(docs, j)
		}
	}
	out, _ := json.Marshal(docs)
	fmt.Println(string(out))
}
