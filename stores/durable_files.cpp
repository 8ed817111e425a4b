#include "stores/durable_files.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace klarna::stores {

namespace {

bool directory_on_disk(const std::filesystem::path& directory) {
  int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor < 0)
    return false;
  bool synced = ::fsync(descriptor) == 0 || errno == EINVAL;
  int saved = errno;
  ::close(descriptor);
  errno = saved;
  return synced;
}

} // namespace

bool data_on_disk(std::FILE* file) {
  if (std::fflush(file) != 0)
    return false;
  // EINVAL: a FIFO or another file that cannot be synchronised; nothing to wait for.
  return ::fdatasync(::fileno(file)) == 0 || errno == EINVAL;
}

void start_writing_out(std::FILE* file, std::uint64_t offset, std::uint64_t length) {
  // Only a hint: where it does not apply (a FIFO), data_on_disk decides later.
  ::sync_file_range(::fileno(file), static_cast<off64_t>(offset), static_cast<off64_t>(length),
                    SYNC_FILE_RANGE_WRITE);
}

bool rename_on_disk(const std::filesystem::path& from, const std::filesystem::path& to) {
  return std::rename(from.c_str(), to.c_str()) == 0 && directory_on_disk(to.parent_path());
}

} // namespace klarna::stores
