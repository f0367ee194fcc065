// A paged LIST through billet's client (kube/list.h) against the real API server, with a shell
// command run between two pages: the list-expired scenario compacts etcd there, so that the next
// page's continue token has expired, as a list slower than etcd's compaction interval sees it.
//
//   list_probe KUBECONFIG COLLECTION PAGE_SIZE COMMAND [consistent]
//
// Prints each item delivered as "namespace/name" (a line each), then "items N resumed 0|1" and,
// with `consistent`, "restarts N" (the consumer given onRestart starts over). Exit status 0 when
// the list succeeded, 1 when it failed (the error on stderr), 2 on bad arguments.
#include <cstdlib>
#include <iostream>
#include <string>

#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/list.h"

using namespace billet;

int main(int argc, char** argv) {
  if (argc != 5 && !(argc == 6 && std::string(argv[5]) == "consistent")) {
    std::cerr << "usage: list_probe KUBECONFIG COLLECTION PAGE_SIZE COMMAND [consistent]\n";
    return 2;
  }
  auto config = kube::loadKubeConfig(argv[1]);
  if (!config.ok()) {
    std::cerr << "list_probe: " << config.error << "\n";
    return 2;
  }
  kube::KubeClient client(config.value.config);
  kube::ListOptions options;
  options.pageSize = std::strtoul(argv[3], nullptr, 10);
  const std::string command = argv[4];
  const bool consistent = argc == 6;
  std::size_t seen = 0;
  int restarts = 0;
  auto onItem = [&](const json::Value& item) {
    const json::Value* ns = json::dig(item, {"metadata", "namespace"});
    const json::Value* name = json::dig(item, {"metadata", "name"});
    std::cout << (ns && ns->isString() ? std::string(ns->asString()) : "") << "/"
              << (name && name->isString() ? std::string(name->asString()) : "") << "\n";
    // The first page is read whole before the second is asked for: run the command then.
    if (++seen == options.pageSize) {
      std::cout.flush();
      if (std::system(command.c_str()) != 0) std::cerr << "list_probe: the command failed\n";
    }
  };
  const kube::ListResult r =
      consistent ? kube::listAll(client, argv[2], options, onItem, [&] { ++restarts; })
                 : kube::listAll(client, argv[2], options, onItem);
  if (!r.ok()) {
    std::cerr << "list_probe: " << r.error << "\n";
    return 1;
  }
  std::cout << "items " << r.items << " resumed " << (r.resumed ? 1 : 0) << "\n";
  if (consistent) std::cout << "restarts " << restarts << "\n";
  return 0;
}
