#pragma once

// The records of one page as they travel from the parser to the sinks: each record's
// JSON object, compact and exactly as Klarna sent it, one after another in one
// buffer, found by their end offsets. No Airbyte envelope: the Airbyte sink renders
// that (protocol::record_line_prefix/suffix), the other sinks take the objects. The
// parser also pulls out, in the same pass, the few field values the planner needs
// (a payout's payment_reference and payout_date), so no one parses a record twice.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace klarna::protocol {

class record_batch {
public:
  record_batch() = default;
  /// `key_fields`: the top-level fields whose string values are kept per record.
  explicit record_batch(std::int64_t emitted_at_ms, std::vector<std::string> key_fields = {})
    : emitted_at_ms_(emitted_at_ms), key_fields_(std::move(key_fields)) {}

  /// When the records were read (Airbyte's emitted_at), ms since the epoch.
  std::int64_t emitted_at_ms() const { return emitted_at_ms_; }

  void reserve(std::size_t bytes, std::size_t records) {
    buffer_.reserve(bytes);
    ends_.reserve(records);
  }

  /// Appends one record: `write(buffer)` appends its compact JSON object to the
  /// buffer; `keys` are its values of the key fields, in their order.
  template <class Write>
  void append_written(Write&& write, std::vector<std::optional<std::string>> keys = {}) {
    write(buffer_);
    ends_.push_back(buffer_.size());
    keys.resize(key_fields_.size());
    for (auto& key : keys)
      keys_.push_back(std::move(key));
  }
  void append(std::string_view record) {
    append_written([&](std::string& buffer) { buffer.append(record); });
  }

  /// Records in the batch.
  std::size_t size() const { return ends_.size() - head_; }
  bool empty() const { return size() == 0; }
  /// Bytes of the records' JSON.
  std::size_t bytes() const { return buffer_.size() - begin_of(head_); }

  /// Record `i` (0 is the first kept): its JSON object.
  std::string_view operator[](std::size_t i) const {
    auto at = head_ + i;
    return std::string_view(buffer_).substr(begin_of(at), ends_[at] - begin_of(at));
  }
  std::string_view front() const { return (*this)[0]; }
  std::string_view back() const { return (*this)[size() - 1]; }

  /// Record `i`'s value of the key field `field`: nullopt when the field is not a
  /// key field, or the record has no string there.
  const std::optional<std::string>& key(std::size_t i, std::string_view field) const {
    static const std::optional<std::string> none;
    for (std::size_t k = 0; k < key_fields_.size(); ++k)
      if (key_fields_[k] == field)
        return keys_[(head_ + i) * key_fields_.size() + k];
    return none;
  }

  /// Calls `on_record(json)` with each record, in order.
  template <class OnRecord>
  void for_each(OnRecord&& on_record) const {
    for (std::size_t i = 0; i < size(); ++i)
      on_record((*this)[i]);
  }

  /// Leaves out the first `count` records (they were emitted with the page before).
  void drop_front(std::size_t count) { head_ += count < size() ? count : size(); }

private:
  std::size_t begin_of(std::size_t at) const { return at == 0 ? 0 : ends_[at - 1]; }

  std::int64_t emitted_at_ms_ = 0;
  std::string buffer_;
  std::vector<std::size_t> ends_;
  std::size_t head_ = 0; // records dropped from the front
  std::vector<std::string> key_fields_;
  std::vector<std::optional<std::string>> keys_; // record-major: size() x key_fields_
};

} // namespace klarna::protocol
