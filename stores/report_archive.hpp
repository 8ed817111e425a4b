#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace klarna::stores {

/// One file of the archive, as its manifest line records it.
struct archived_file {
  std::string payment_reference;
  std::string payout_date;
  /// The file's name in the archive directory, e.g. "KP0000010EAE.pdf".
  std::string file;
  std::uint64_t bytes = 0;
  std::string sha256; // lower-case hex
};

/// A directory of Klarna's settlement reports, one CSV and one PDF per payout, with
/// `manifest.csv` (payment_reference,payout_date,file,bytes,sha256), a line per file
/// appended once the file is on the disk, and `listed-through`, the end of the last
/// complete archiving. A sync cut at any moment leaves every manifest line true; a
/// file written without its line (cut in between) is written again by the next sync.
class report_archive {
public:
  /// Creates `directory` if needed and reads its manifest. A listed file that is
  /// missing or of another size counts as not archived. Throws config::input_error
  /// naming the directory or the manifest line when they cannot be used.
  explicit report_archive(std::filesystem::path directory);

  const std::filesystem::path& directory() const { return directory_; }
  std::filesystem::path manifest_path() const { return directory_ / "manifest.csv"; }

  /// True when `file` is archived.
  bool has(const std::string& file) const { return files_.count(file) > 0; }
  std::size_t size() const { return files_.size(); }

  /// The newest payout_date of the last complete archiving: every payout listed up
  /// to it has both files here (nullopt before the first complete one). The next
  /// sync lists from there, less the lookback, so what a cut or failed sync left
  /// out, even older than the newest file it archived, is listed again.
  std::optional<std::string> listed_through() const { return listed_through_; }

  /// Records that every payout listed up to `payout_date` is archived
  /// (DIR/listed-through, on the disk before it returns).
  void mark_listed_through(const std::string& payout_date);

  /// Writes `body` as `file` (through a temporary name, on the disk before it gets
  /// its name), then appends its manifest line. Throws std::runtime_error naming the
  /// file when the disk fails.
  archived_file store(const std::string& payment_reference, const std::string& payout_date,
                      const std::string& file, std::string_view body);

private:
  void read_listed_through();

  std::filesystem::path directory_;
  std::unordered_map<std::string, archived_file> files_;
  std::optional<std::string> listed_through_;
};

/// SHA-256 of `bytes`, lower-case hex.
std::string sha256_hex(std::string_view bytes);

} // namespace klarna::stores
