#pragma once

#include "logic/plan/listing_reader.hpp"
#include "logic/plan/page_source.hpp"
#include "logic/plan/stream_start.hpp"

namespace klarna::logic {

/// One paginated listing (listing_reader), from the start a stream_start gives. A
/// resumed listing whose total is no longer the one it was cut at is read again
/// from offset 0 with a warning (its offsets no longer mean the same records).
class listing_source : public page_source {
public:
  /// At most `pages_ahead` requests are planned ahead of the verified records.
  listing_source(const protocol::stream_definition& stream, std::string api_base_url,
                 int page_size, stream_start start, std::uint64_t pages_ahead);
  // The reader's URL maker refers to this object.
  listing_source(const listing_source&) = delete;
  listing_source& operator=(const listing_source&) = delete;

  std::optional<page_request> take_next(bool has_credit) override;
  page_outcome on_page(std::uint64_t listing, std::uint64_t seq, parsed_page page) override;
  bool finished() const override { return reader_.finished(); }
  bool has_work() const override { return reader_.has_next(); }
  std::uint64_t pages_known() const override { return reader_.pages_known(); }
  std::uint64_t held_bytes() const override { return reader_.held_bytes(); }

private:
  listing_reader reader_from(std::int64_t offset) const;
  bool total_changed(std::uint64_t seq, const page_pagination& pagination) const;

  const protocol::stream_definition& stream_;
  std::string api_base_url_;
  int page_size_;
  stream_start start_;
  std::uint64_t pages_ahead_;
  listing_reader reader_;
  bool restarted_ = false;
};

} // namespace klarna::logic
