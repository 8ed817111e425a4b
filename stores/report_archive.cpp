#include "stores/report_archive.hpp"

#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "stores/durable_files.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace klarna::stores {

namespace fs = std::filesystem;

namespace {

constexpr const char* manifest_header = "payment_reference,payout_date,file,bytes,sha256";

struct file_closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

std::string system_error_text() { return std::strerror(errno); }

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');)
    fields.push_back(field);
  if (!line.empty() && line.back() == ',')
    fields.emplace_back();
  return fields;
}

bool is_hex_digest(const std::string& text) {
  return text.size() == 64
         && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A manifest line, or nullopt when it is not one.
std::optional<archived_file> parse_manifest_line(const std::string& line) {
  auto fields = split_fields(line);
  if (fields.size() != 5 || fields[0].empty() || fields[2].empty() || !is_hex_digest(fields[4])
      || fields[3].empty() || fields[3].find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return archived_file{fields[0], fields[1], fields[2], std::stoull(fields[3]), fields[4]};
}

// Writes `bytes` as the whole of `path`: under a temporary name first, on the disk
// before it takes the name, so `path` is never seen half written.
void replace_on_disk(const fs::path& path, std::string_view bytes) {
  auto partial = path;
  partial += ".partial";
  {
    file_ptr out(std::fopen(partial.c_str(), "wb"));
    if (!out || std::fwrite(bytes.data(), 1, bytes.size(), out.get()) != bytes.size()
        || !data_on_disk(out.get()))
      throw std::runtime_error("cannot write " + partial.string() + ": " + system_error_text());
  }
  if (!rename_on_disk(partial, path))
    throw std::runtime_error("cannot rename " + partial.string() + " to " + path.string() + ": "
                             + system_error_text());
}

// Writes `text` at the end of `path`, on the disk before it returns.
void append_on_disk(const fs::path& path, const std::string& text) {
  file_ptr out(std::fopen(path.c_str(), "ab"));
  if (!out || std::fwrite(text.data(), 1, text.size(), out.get()) != text.size()
      || !data_on_disk(out.get()))
    throw std::runtime_error("cannot write " + path.string() + ": " + system_error_text());
}

} // namespace

// An ISO-8601 instant on one line; anything else means no complete archiving is known
// (the next sync lists from the start again, which costs requests, never files).
void report_archive::read_listed_through() {
  std::ifstream in(directory_ / "listed-through");
  std::string line;
  if (std::getline(in, line) && config::parse_iso8601_epoch_seconds(line))
    listed_through_ = line;
}

report_archive::report_archive(fs::path directory) : directory_(std::move(directory)) {
  std::error_code error;
  fs::create_directories(directory_, error);
  if (error || !fs::is_directory(directory_))
    throw config::input_error("--reports: cannot use '" + directory_.string()
                              + "' as the directory of the settlement reports: "
                              + (error ? error.message() : "not a directory"));
  read_listed_through();
  auto manifest = manifest_path();
  if (!fs::exists(manifest)) {
    try {
      append_on_disk(manifest, std::string(manifest_header) + "\n");
    } catch (const std::runtime_error& e) {
      throw config::input_error(std::string("--reports: ") + e.what());
    }
    return;
  }
  std::ifstream in(manifest);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line == manifest_header)
      continue;
    auto entry = parse_manifest_line(line);
    if (!entry)
      throw config::input_error(manifest.string() + " line " + std::to_string(number)
                                + ": expected " + manifest_header
                                + " (a manifest written by source-klarna)");
    // A file cut short, removed or changed since is not archived: it is fetched again.
    auto path = directory_ / entry->file;
    if (fs::is_regular_file(path, error) && fs::file_size(path, error) == entry->bytes)
      files_[entry->file] = std::move(*entry);
    else
      files_.erase(entry->file);
  }
  if (in.bad())
    throw config::input_error("cannot read " + manifest.string() + ": " + system_error_text());
}

void report_archive::mark_listed_through(const std::string& payout_date) {
  replace_on_disk(directory_ / "listed-through", payout_date + "\n");
  listed_through_ = payout_date;
}

archived_file report_archive::store(const std::string& payment_reference,
                                    const std::string& payout_date, const std::string& file,
                                    std::string_view body) {
  replace_on_disk(directory_ / file, body);
  archived_file entry{payment_reference, payout_date, file, body.size(), sha256_hex(body)};
  append_on_disk(manifest_path(), entry.payment_reference + "," + entry.payout_date + ","
                                    + entry.file + "," + std::to_string(entry.bytes) + ","
                                    + entry.sha256 + "\n");
  files_[file] = entry;
  return entry;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  static const char* hex = "0123456789abcdef";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 15];
  }
  return text;
}

} // namespace klarna::stores
