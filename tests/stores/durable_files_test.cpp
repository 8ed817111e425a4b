// What the JSON-lines sink relies on to put a completed file, and its name, on the disk.
#include "stores/durable_files.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace klarna;
namespace fs = std::filesystem;

namespace {

struct file_closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

fs::path fresh_directory(const std::string& name) {
  auto directory = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

} // namespace

TEST_CASE("a written file and then its new name go to the disk", "[sinks]") {
  auto directory = fresh_directory("durable_files_test");
  std::unique_ptr<std::FILE, file_closer> file(std::fopen((directory / "a.jsonl").c_str(), "w"));
  REQUIRE(file);
  REQUIRE(std::fputs("{\"id\":1}\n", file.get()) >= 0);
  REQUIRE(std::fflush(file.get()) == 0);
  stores::start_writing_out(file.get(), 0, 9);
  CHECK(stores::data_on_disk(file.get()));
  CHECK(stores::rename_on_disk(directory / "a.jsonl", directory / "b.jsonl"));
  CHECK(fs::exists(directory / "b.jsonl"));
  CHECK_FALSE(fs::exists(directory / "a.jsonl"));
  fs::remove_all(directory);
}

TEST_CASE("a FIFO has nothing to put on a disk, which is not a failure", "[sinks]") {
  auto directory = fresh_directory("durable_files_fifo_test");
  auto fifo = directory / "a.jsonl.part";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int descriptor = ::open(fifo.c_str(), O_RDWR); // Linux: opens without a reader
  REQUIRE(descriptor >= 0);
  std::unique_ptr<std::FILE, file_closer> file(::fdopen(descriptor, "w"));
  REQUIRE(file);
  stores::start_writing_out(file.get(), 0, 1);
  CHECK(stores::data_on_disk(file.get()));
  fs::remove_all(directory);
}

TEST_CASE("a rename in a directory that is not there is a failure with its reason", "[sinks]") {
  auto missing = fs::temp_directory_path() / "durable_files_test_no_such_directory";
  fs::remove_all(missing);
  errno = 0;
  CHECK_FALSE(stores::rename_on_disk(missing / "a.jsonl", missing / "b.jsonl"));
  CHECK(errno == ENOENT);
}
