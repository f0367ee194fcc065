#include "server/shared_slot.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using billet::server::SharedSlot;

TEST_CASE("a load after a store sees the new object, in this thread and others") {
  SharedSlot<const int> slot;
  CHECK(slot.load() == nullptr);
  slot.store(std::make_shared<const int>(1));
  CHECK(*slot.load() == 1);
  slot.store(std::make_shared<const int>(2));
  CHECK(*slot.load() == 2);
  int seen = 0;
  std::thread([&] { seen = *slot.load(); }).join();
  CHECK(seen == 2);
}

TEST_CASE("two slots of one type do not share a thread's cached copy") {
  SharedSlot<const int> a, b;
  a.store(std::make_shared<const int>(10));
  b.store(std::make_shared<const int>(20));
  CHECK(*a.load() == 10);
  CHECK(*b.load() == 20);
  CHECK(*a.load() == 10);
}

TEST_CASE("a replaced object lives until its readers drop it") {
  SharedSlot<const int> slot;
  slot.store(std::make_shared<const int>(1));
  std::shared_ptr<const int> held = slot.load();
  std::weak_ptr<const int> watch = held;
  slot.store(std::make_shared<const int>(2));
  CHECK(*held == 1);
  held.reset();
  slot.load();  // this thread's cached copy moves to the new object
  CHECK(watch.expired());
}

TEST_CASE("readers under concurrent stores always see a complete object") {
  struct Pair {
    int a, b;
  };
  SharedSlot<const Pair> slot;
  slot.store(std::make_shared<const Pair>(Pair{0, 0}));
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto p = slot.load();
        if (p->a != p->b) torn.fetch_add(1);
      }
    });
  for (int i = 1; i <= 20000; ++i) slot.store(std::make_shared<const Pair>(Pair{i, i}));
  stop = true;
  for (auto& r : readers) r.join();
  CHECK(torn.load() == 0);
  CHECK(slot.load()->a == 20000);
}
