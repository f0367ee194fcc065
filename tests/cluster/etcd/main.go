// etcd for billet's cluster tests: the etcd server of the version the pinned Kubernetes release
// tests with, built from its Go module (Debian's etcd-server is older than the API server expects).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
