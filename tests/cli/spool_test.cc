#include "cli/spool.h"

#include <catch2/catch.hpp>
#include <sstream>

using billet::cli::Spool;

TEST_CASE("spool: the same bytes back from memory and, past its limit, from a temporary file") {
  for (std::size_t limit : {std::size_t{1} << 20, std::size_t{8}}) {
    Spool spool(limit);
    const Spool::Extent a = spool.append("first;");
    const Spool::Extent b = spool.append("second, longer than the limit;");
    const Spool::Extent c = spool.append("third");
    CHECK(spool.onDisk() == (limit == 8));
    CHECK(spool.size() == 41);
    std::ostringstream all, parts;
    spool.copyTo(all);
    CHECK(all.str() == "first;second, longer than the limit;third");
    spool.copyTo(parts, c);
    spool.copyTo(parts, a);
    spool.copyTo(parts, b);
    CHECK(parts.str() == "thirdfirst;second, longer than the limit;");
  }
}
