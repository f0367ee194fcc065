// The members of a mapping read from YAML, as both YAML readers (yaml_stream.cc's, and
// yaml_block_entry.cc's for List entries) add them: a later duplicate key replaces the earlier
// value in its place, as Kubernetes' decoder does, and a large mapping is indexed by key so that
// reading one costs linear time.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "json/value.h"

namespace billet::cli {

class YamlMembers {
 public:
  void add(json::Object& members, std::string key, json::Value value) {
    constexpr std::size_t kIndexFrom = 16;
    if (members.size() < kIndexFrom) {
      for (json::Member& m : members)
        if (m.key == key) {
          m.value = std::move(value);
          return;
        }
    } else {
      if (index_.empty())
        for (std::size_t i = 0; i < members.size(); ++i) index_.emplace(members[i].key, i);
      auto [at, fresh] = index_.emplace(key, members.size());
      if (!fresh) {
        members[at->second].value = std::move(value);
        return;
      }
    }
    members.push_back({std::move(key), std::move(value)});
  }

 private:
  std::unordered_map<std::string, std::size_t> index_;  // key -> member, from kIndexFrom on
};

}  // namespace billet::cli
