// The settlement report archive: files on the disk with a manifest that is always
// true, read back by the next sync.
#include "config/input_error.hpp"
#include "stores/report_archive.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace klarna;
namespace fs = std::filesystem;

namespace {

fs::path fresh_directory(const std::string& name) {
  auto directory = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  fs::remove_all(directory);
  return directory;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("sha256_hex is SHA-256", "[report_archive]") {
  CHECK(stores::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(stores::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("files are stored with a manifest line each and read back", "[report_archive]") {
  auto directory = fresh_directory("report_archive_test");
  {
    stores::report_archive archive(directory / "nested");
    CHECK(archive.size() == 0);
    CHECK_FALSE(archive.listed_through());
    auto entry = archive.store("KP1", "2022-01-03T07:00:00Z", "KP1.pdf", std::string("%PDF\0x", 6));
    CHECK(entry.bytes == 6);
    CHECK(entry.sha256 == stores::sha256_hex(std::string("%PDF\0x", 6)));
    archive.store("KP2", "2022-01-04T07:00:00Z", "KP2.csv", "a,b\n");
    CHECK(archive.has("KP1.pdf"));
    CHECK_FALSE(archive.has("KP1.csv"));
  }
  auto manifest = read_file(directory / "nested" / "manifest.csv");
  CHECK(manifest == "payment_reference,payout_date,file,bytes,sha256\n"
                    "KP1,2022-01-03T07:00:00Z,KP1.pdf,6," + stores::sha256_hex(std::string("%PDF\0x", 6)) + "\n"
                    "KP2,2022-01-04T07:00:00Z,KP2.csv,4," + stores::sha256_hex("a,b\n") + "\n");
  CHECK(read_file(directory / "nested" / "KP2.csv") == "a,b\n");
  CHECK_FALSE(fs::exists(directory / "nested" / "KP2.csv.partial"));

  stores::report_archive reopened(directory / "nested");
  CHECK(reopened.size() == 2);
  CHECK(reopened.has("KP2.csv"));
  CHECK_FALSE(reopened.listed_through());
  reopened.mark_listed_through("2022-01-05T00:00:00Z");
  CHECK(stores::report_archive(directory / "nested").listed_through()
        == std::string("2022-01-05T00:00:00Z"));

  SECTION("a file cut short or removed since is not archived") {
    { std::ofstream(directory / "nested" / "KP1.pdf", std::ios::trunc) << "%P"; }
    fs::remove(directory / "nested" / "KP2.csv");
    stores::report_archive after(directory / "nested");
    CHECK_FALSE(after.has("KP1.pdf"));
    CHECK_FALSE(after.has("KP2.csv"));
  }
  SECTION("a damaged manifest is an error that names its line") {
    { std::ofstream(directory / "nested" / "manifest.csv", std::ios::app) << "KP3,no digest\n"; }
    try {
      stores::report_archive damaged(directory / "nested");
      FAIL("no error");
    } catch (const config::input_error& e) {
      CHECK_THAT(e.what(), Catch::Contains("manifest.csv line 4")
                             && Catch::Contains("payment_reference,payout_date,file,bytes,sha256"));
    }
  }
  fs::remove_all(directory);
}

TEST_CASE("a path that cannot be a directory is an error naming it", "[report_archive]") {
  auto directory = fresh_directory("report_archive_file_test");
  fs::create_directories(directory);
  { std::ofstream(directory / "taken") << "x"; }
  try {
    stores::report_archive archive(directory / "taken");
    FAIL("no error");
  } catch (const config::input_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("--reports") && Catch::Contains("taken"));
  }
  fs::remove_all(directory);
}
