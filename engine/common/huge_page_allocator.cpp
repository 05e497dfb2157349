#include "engine/common/huge_page_allocator.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>

namespace neuro::common {

void* allocate_maybe_huge(std::size_t bytes, std::size_t alignment) {
  if (bytes < kHugePageBytes) {
    return ::operator new(bytes, std::align_val_t(std::max(alignment, alignof(std::max_align_t))));
  }
  const std::size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  // This allocator is the owner; the C allocation behind it cannot be a gsl::owner type.
  void* p = std::aligned_alloc(kHugePageBytes, rounded);  // NOLINT(cppcoreguidelines-owning-memory)
  if (p == nullptr) throw std::bad_alloc();
  // Advice only: where THP is off the kernel ignores it and we still have correct memory.
  ::madvise(p, rounded, MADV_HUGEPAGE);
  return p;
}

void deallocate_maybe_huge(void* p, std::size_t bytes, std::size_t alignment) noexcept {
  if (bytes < kHugePageBytes) {
    ::operator delete(p, std::align_val_t(std::max(alignment, alignof(std::max_align_t))));
    return;
  }
  std::free(p);  // NOLINT(cppcoreguidelines-owning-memory): from aligned_alloc above
}

}  // namespace neuro::common
