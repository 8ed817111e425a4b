#include "app/allocator_tuning.hpp"

#include <malloc.h>

namespace klarna::app {

// Every page travels as a few buffers of hundreds of KiB (the body libcurl fills,
// the RECORD lines the parser renders) allocated on one thread and freed on another.
// With glibc's defaults such buffers come from fresh mmaps, or from an arena per
// thread that is trimmed back to the kernel, so every page's memory is faulted in
// and zeroed anew: ~48,000 page faults per 1,000,000 records read to a pipe.
// Heap buffers up to 4 MiB, kept (up to 8 MiB free at the top of a heap) for the
// next page, in two arenas shared by all threads instead of one per thread: ~10,000
// faults and ~15% less CPU for the same read, and no higher peak RSS (fewer arenas
// hold fewer free chunks). Measured in bench/README.md ("allocator").
void tune_allocator_for_page_buffers() {
  // mallopt returns 0 for a value it refuses; the allocator then keeps its default,
  // which is slower but correct, so there is nothing to report.
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

} // namespace klarna::app
