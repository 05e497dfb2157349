// BurstSpin's arithmetic: no polling before any event, polling for kSpinNs after the last ones,
// never past what is left of the second's budget, and the budget back each second.
#include "load/engine/burst_spin.hpp"

#include <gtest/gtest.h>

namespace neuro::load {
namespace {

TEST(BurstSpin, PollsAfterEventsWithinBudget) {
  constexpr std::int64_t kSpin = BurstSpin::kSpinNs;
  BurstSpin spin;
  EXPECT_LE(spin.until(1'000), 1'000);  // no events yet: sleep
  spin.events_at(2'000);
  EXPECT_EQ(spin.until(2'500), 2'000 + kSpin);
  EXPECT_LE(spin.until(2'001 + kSpin), 2'001 + kSpin);  // the burst is over: sleep
  // All but 50 us of the budget spent: no more than that is offered.
  spin.spun(0, BurstSpin::kBudgetNs - 50'000);
  spin.events_at(3'000'000);
  EXPECT_EQ(spin.until(3'000'000), 3'000'000 + 50'000);
  spin.spun(3'000'000, 3'050'000);
  spin.events_at(3'060'000);
  EXPECT_LE(spin.until(3'060'000), 3'060'000);  // spent: sleep until the next second
  // The next second brings the budget back.
  spin.events_at(BurstSpin::kWindowNs + 10);
  EXPECT_EQ(spin.until(BurstSpin::kWindowNs + 20), BurstSpin::kWindowNs + 10 + kSpin);
}

}  // namespace
}  // namespace neuro::load
