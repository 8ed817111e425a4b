#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace klarna::sinks {

/// Waits until what was written to `file` (flushed from stdio already) is on the
/// disk. True when it is, or when the file is not one a disk holds (a FIFO); false
/// with errno set when the disk refused it.
bool data_on_disk(std::FILE* file);

/// Starts writing `length` bytes of `file` from `offset` out to the disk and returns
/// without waiting, so that the disk works while the sync does and a later
/// data_on_disk has little left to wait for.
void start_writing_out(std::FILE* file, std::uint64_t offset, std::uint64_t length);

/// Waits until the entries of `directory` (a file just renamed into it) are on the
/// disk; false with errno set when they could not be.
bool directory_on_disk(const std::filesystem::path& directory);

} // namespace klarna::sinks
