// Replays inputs through a libFuzzer target without libFuzzer, so that CTest runs
// every target's seed corpus and its regressions (fuzz/regressions/<target>/) on
// every build with the ordinary compiler. Arguments: files or directories of
// inputs. A target that finds a bug aborts, which fails the test.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
  std::fflush(stdout); // the name is out before a crash
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

} // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path argument(argv[i]);
    if (!std::filesystem::is_directory(argument)) {
      replay(argument);
      ++replayed;
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(argument))
      if (entry.is_regular_file()) {
        replay(entry.path());
        ++replayed;
      }
  }
  std::printf("%zu inputs replayed, none broke the target\n", replayed);
  return replayed > 0 ? 0 : 1;
}
