#pragma once

#include "logic/page_plan.hpp"
#include "logic/page_source.hpp"
#include "logic/stream_start.hpp"

namespace klarna::logic {

/// One paginated listing (pagination_plan), from the start a stream_start gives. A
/// resumed listing whose total is no longer the one it was cut at is read again
/// from offset 0 with a warning (its offsets no longer mean the same records).
class listing_source : public page_source {
public:
  listing_source(const protocol::stream_definition& stream, std::string api_base_url,
                 int page_size, stream_start start);
  // The plan's URL maker refers to this object.
  listing_source(const listing_source&) = delete;
  listing_source& operator=(const listing_source&) = delete;

  std::optional<page_request> take_next(bool has_credit) override;
  page_outcome on_page(std::uint64_t listing, std::uint64_t seq, parsed_page page) override;
  bool finished() const override { return plan_.finished(); }
  std::uint64_t pages_known() const override { return plan_.pages_known(); }

private:
  pagination_plan plan_from(std::int64_t offset) const;
  bool total_changed(std::uint64_t seq, const page_pagination& pagination) const;

  const protocol::stream_definition& stream_;
  std::string api_base_url_;
  int page_size_;
  stream_start start_;
  pagination_plan plan_;
  bool restarted_ = false;
};

} // namespace klarna::logic
