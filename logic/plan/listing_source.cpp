#include "logic/plan/listing_source.hpp"
#include "logic/plan/page_plan.hpp"

#include "protocol/stream_catalog.hpp"

namespace klarna::logic {

listing_source::listing_source(const protocol::stream_definition& stream,
                               std::string api_base_url, int page_size, stream_start start,
                               std::uint64_t pages_ahead)
  : stream_(stream),
    api_base_url_(std::move(api_base_url)),
    page_size_(page_size),
    start_(std::move(start)),
    pages_ahead_(pages_ahead),
    reader_(reader_from(start_.offset)) {
}

listing_reader listing_source::reader_from(std::int64_t offset) const {
  bool dated = stream_.incremental == protocol::incremental_by::payout_date;
  return listing_reader(
    stream_.name,
    [this](std::int64_t at) {
      return page_url(api_base_url_, stream_, page_size_, at, start_.listing_start,
                      start_.listing_end);
    },
    page_size_, offset, dated ? stream_.cursor_field : std::string(),
    listing_reader::limits{pages_ahead_, listing_reader::limits{}.max_moves});
}

std::optional<page_request> listing_source::take_next(bool has_credit) {
  // Without a credit only the page the verified part waits for goes out, on a
  // borrowed one, and only when nothing is on the way and pages answered ahead of it
  // hold credits: those come back only once it comes (credits the sink holds come
  // back by themselves).
  if (!has_credit
      && !(reader_.frontier_due() && reader_.in_flight() == 0 && reader_.holds_pages()))
    return std::nullopt;
  auto request = reader_.take_next();
  if (!request)
    return std::nullopt;
  return page_request{0, request->id, std::move(request->url), &stream_,
                      has_credit ? credit_use::spend : credit_use::borrow};
}

bool listing_source::total_changed(std::uint64_t seq, const page_pagination& pagination) const {
  return seq == 0 && !restarted_ && start_.offset > 0 && start_.expected_total && pagination.total
         && *pagination.total != *start_.expected_total;
}

page_outcome listing_source::on_page(std::uint64_t, std::uint64_t seq, parsed_page page) {
  page_outcome outcome;
  if (total_changed(seq, page.pagination)) {
    outcome.warnings.push_back(
      stream_.name + ": the listing held " + std::to_string(*start_.expected_total)
      + " records when the previous read stopped at record " + std::to_string(start_.offset)
      + ", it now holds " + std::to_string(*page.pagination.total)
      + "; offsets no longer mean the same records, so it is read again from the start");
    restarted_ = true;
    reader_ = reader_from(0);
    outcome.credits_back = 1; // the dropped page is never written
    outcome.restarted = true;
    return outcome;
  }
  auto progress = reader_.on_page(seq, std::move(page));
  outcome.credits_back = progress.dropped;
  outcome.warnings = std::move(progress.warnings);
  if (progress.failure) {
    outcome.error = std::move(progress.failure);
    return outcome;
  }
  for (auto& verified : progress.pages) {
    listing_step step{verified.next_offset, verified.total, std::move(verified.page.max_cursor),
                      std::nullopt};
    outcome.pages.push_back({verified.index, std::move(verified.page.records), std::move(step)});
  }
  return outcome;
}

} // namespace klarna::logic
