// Command pod_security_oracle evaluates pods against the Kubernetes Pod Security Standards
// baseline profile with Kubernetes' own library (k8s.io/pod-security-admission), as the API
// server's PodSecurity admission does. billet's tests compare its verdicts with billet's
// pod-security policy (test peer only; billet ships no Go).
//
//	pod_security_oracle PATH...   (files or directories, as billet reads them: *.yaml, *.yml,
//	                              *.json, recursively, in sorted order; multi-document; kind: List;
//	                              "-" is stdin)
//
// It prints one JSON array: per workload (Pod, the pod controllers, CronJob), the pod's verdict
// at the latest baseline version: allowed, and the IDs of the checks that failed, with their
// reasons. Objects of other kinds are left out. A document it cannot decode is an error (exit 2).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type verdict struct {
	File      string            `json:"file"`
	Kind      string            `json:"kind"`
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Allowed   bool              `json:"allowed"`
	Failed    []string          `json:"failed"`
	Details   map[string]string `json:"details"`
}

// object is the part of any manifest the oracle needs: where its pod template is.
type object struct {
	Kind     string            `json:"kind"`
	Metadata objectMeta        `json:"metadata"`
	Spec     json.RawMessage   `json:"spec"`
	Items    []json.RawMessage `json:"items"`
}

type objectMeta struct {
	Name         string `json:"name"`
	GenerateName string `json:"generateName"`
	Namespace    string `json:"namespace"`
}

// Where each kind keeps its pod, as billet reads it.
var templateKinds = map[string]bool{
	"Deployment": true, "ReplicaSet": true, "StatefulSet": true, "DaemonSet": true,
	"Job": true, "ReplicationController": true,
}

type evaluator struct {
	all    policy.Evaluator
	single map[string]policy.Evaluator // one evaluator per baseline check, to name failures
	level  api.LevelVersion
}

func newEvaluator() (*evaluator, error) {
	checks := policy.DefaultChecks()
	all, err := policy.NewEvaluator(checks, nil)
	if err != nil {
		return nil, err
	}
	e := &evaluator{all: all, single: map[string]policy.Evaluator{},
		level: api.LevelVersion{Level: api.LevelBaseline, Version: api.LatestVersion()}}
	for _, c := range checks {
		if c.Level != api.LevelBaseline {
			continue
		}
		one, err := policy.NewEvaluator([]policy.Check{c}, nil)
		if err != nil {
			return nil, err
		}
		e.single[string(c.ID)] = one
	}
	return e, nil
}

func (e *evaluator) evaluate(tmpl *corev1.PodTemplateSpec) (bool, []string, map[string]string) {
	agg := policy.AggregateCheckResults(e.all.EvaluatePod(e.level, &tmpl.ObjectMeta, &tmpl.Spec))
	failed := []string{}
	details := map[string]string{}
	for id, one := range e.single {
		for _, r := range one.EvaluatePod(e.level, &tmpl.ObjectMeta, &tmpl.Spec) {
			if !r.Allowed {
				failed = append(failed, id)
				details[id] = r.ForbiddenReason + ": " + r.ForbiddenDetail
			}
		}
	}
	sort.Strings(failed)
	return agg.Allowed, failed, details
}

// The pod of a workload (nil for other kinds): a Pod's own metadata and spec, or the template.
func podTemplate(o *object, raw json.RawMessage) (*corev1.PodTemplateSpec, error) {
	var tmpl corev1.PodTemplateSpec
	switch {
	case o.Kind == "Pod":
		var pod corev1.Pod
		if err := json.Unmarshal(raw, &pod); err != nil {
			return nil, err
		}
		tmpl.ObjectMeta, tmpl.Spec = pod.ObjectMeta, pod.Spec
	case templateKinds[o.Kind]:
		var spec struct {
			Template corev1.PodTemplateSpec `json:"template"`
		}
		if err := json.Unmarshal(o.Spec, &spec); err != nil {
			return nil, err
		}
		tmpl = spec.Template
	case o.Kind == "CronJob":
		var spec struct {
			JobTemplate struct {
				Spec struct {
					Template corev1.PodTemplateSpec `json:"template"`
				} `json:"spec"`
			} `json:"jobTemplate"`
		}
		if err := json.Unmarshal(o.Spec, &spec); err != nil {
			return nil, err
		}
		tmpl = spec.JobTemplate.Spec.Template
	default:
		return nil, nil
	}
	return &tmpl, nil
}

func decodeAll(name string, r io.Reader, e *evaluator, out *[]verdict) error {
	dec := utilyaml.NewYAMLOrJSONDecoder(bufio.NewReader(r), 4096)
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
			continue
		}
		if err := visit(name, raw, e, out); err != nil {
			return err
		}
	}
}

func visit(name string, raw json.RawMessage, e *evaluator, out *[]verdict) error {
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if o.Kind == "List" {
		for _, item := range o.Items {
			if err := visit(name, item, e, out); err != nil {
				return err
			}
		}
		return nil
	}
	tmpl, err := podTemplate(&o, raw)
	if err != nil {
		return fmt.Errorf("%s: %s %s: %w", name, o.Kind, o.Metadata.Name, err)
	}
	if tmpl == nil {
		return nil
	}
	ns := o.Metadata.Namespace
	if ns == "" {
		ns = "default" // as billet lint takes a namespaced object without one
	}
	n := o.Metadata.Name
	if n == "" {
		n = o.Metadata.GenerateName + "*"
	}
	allowed, failed, details := e.evaluate(tmpl)
	*out = append(*out, verdict{File: name, Kind: o.Kind, Namespace: ns, Name: n,
		Allowed: allowed, Failed: failed, Details: details})
	return nil
}

// files expands a command-line argument: a directory becomes its manifests, recursively.
func files(arg string) ([]string, error) {
	info, err := os.Stat(arg)
	if arg == "-" || err != nil || !info.IsDir() {
		return []string{arg}, nil
	}
	var out []string
	err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != arg && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(p)
		if !d.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func main() {
	e, err := newEvaluator()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := []verdict{}
	var names []string
	for _, arg := range os.Args[1:] {
		more, err := files(arg)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		names = append(names, more...)
	}
	for _, name := range names {
		var r io.Reader = os.Stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			defer f.Close()
			r = f
		}
		if err := decodeAll(name, r, e, &out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
