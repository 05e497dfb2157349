// The order in which benchmarks were declared (family, then its arguments), which readers show
// instead of the file's order: with random interleaving a file lists benchmarks in run order.
#pragma once

#include <tuple>

namespace neuro::bench_json {

struct DeclaredPosition {
  long long family = -1;    // family_index; -1: the file does not say
  long long instance = -1;  // per_family_instance_index
};

// Strict weak order; positions the file did not give sort after every known one (and keep their
// file order under a stable sort).
inline bool declared_before(const DeclaredPosition& a, const DeclaredPosition& b) {
  const bool a_known = a.family >= 0, b_known = b.family >= 0;
  if (a_known != b_known) return a_known;
  return std::tie(a.family, a.instance) < std::tie(b.family, b.instance);
}

}  // namespace neuro::bench_json
