#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace klarna::stores {

/// Flushes `file`'s stdio buffer and waits until what was written to it is on the
/// disk. True when it is, or when the file is not one a disk holds (a FIFO); false
/// with errno set when the write or the disk failed.
bool data_on_disk(std::FILE* file);

/// Starts writing `length` bytes of `file` from `offset` out to the disk and returns
/// without waiting, so that the disk works while the sync does and a later
/// data_on_disk has little left to wait for.
void start_writing_out(std::FILE* file, std::uint64_t offset, std::uint64_t length);

/// Renames `from` to `to` and waits until the new name is on the disk (an fsync of
/// the directory that holds `to`), so nothing written after it can reach the disk
/// before it; false with errno set when either step failed.
bool rename_on_disk(const std::filesystem::path& from, const std::filesystem::path& to);

} // namespace klarna::stores
