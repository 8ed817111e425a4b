#include "app/allocator_tuning.hpp"

#include <algorithm>
#include <thread>

#include <malloc.h>

namespace klarna::app {

// Every page travels as a few buffers of hundreds of KiB (the body libcurl fills,
// the RECORD lines the parser renders) allocated on one thread and freed on another.
// With glibc's defaults such buffers come from fresh mmaps, or from an arena per
// thread that is trimmed back to the kernel, so every page's memory is faulted in
// and zeroed anew: ~48,000 page faults per 1,000,000 records read to a pipe.
// Heap buffers up to 4 MiB, kept (up to 8 MiB free at the top of a heap) for the
// next page, in an arena per core instead of one per thread (glibc allows eight per
// core): on 2 cores ~10,000 faults and ~12% less CPU for the same read, and no
// higher peak RSS, as fewer arenas hold fewer free chunks. The parsers, one per
// core, still each find an arena of their own. Measured in bench/README.md
// ("fourth step of issue 12").
void tune_allocator_for_page_buffers() {
  // mallopt returns 0 for a value it refuses; the allocator then keeps its default,
  // which is slower but correct, so there is nothing to report.
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(2U, std::thread::hardware_concurrency())));
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

} // namespace klarna::app
