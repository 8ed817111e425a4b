#pragma once

namespace klarna::app {

/// Sets glibc's allocator up for a pipeline that passes page-sized buffers
/// (hundreds of KiB) between threads; call before any thread starts. See the .cpp.
void tune_allocator_for_page_buffers();

} // namespace klarna::app
