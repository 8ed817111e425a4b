#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::logic {

using protocol::stream_definition;

/// The URL of one page of a stream: <api_base><path>?[start_date=..&]offset=..&size=..
std::string page_url(const std::string& api_base, const stream_definition& stream,
                     int page_size, std::int64_t offset,
                     const std::optional<std::string>& start_date);

/// True when `next` may be followed from a collection whose first page is
/// `first_page_url`: same scheme, host, port and path. Credentials go nowhere else.
bool is_followable_next(const std::string& next, const std::string& first_page_url);

/// The `pagination` object of a page, as the planner needs it.
struct page_pagination {
  std::int64_t count = 0;
  std::optional<std::int64_t> total;
  std::optional<std::string> next;
};

/// A page to fetch: its position in the stream (`seq`, 0-based, the order in which
/// its records are emitted) and its URL.
struct planned_page {
  std::uint64_t seq = 0;
  std::string url;
};



/// Which pages of one stream to fetch. Page 0 (at `first_offset`, 0 unless a cut
/// read is resumed) first; once its `total` is known every remaining offset is
/// planned at once so pages can be fetched in parallel. When the last planned page
/// still carries `next` (the collection grew, or there is no `total`), `next` is
/// followed. Pure logic: the stream planner actor drives it.
class pagination_plan {
public:
  using url_for_offset = std::function<std::string(std::int64_t offset)>;

  pagination_plan(url_for_offset make_url, int page_size, std::int64_t first_offset = 0);

  /// The next page to request, if one is known and not yet handed out.
  std::optional<planned_page> take_next();

  /// True when take_next() would give a page.
  bool has_next() const { return !pending_.empty(); }

  /// Pages handed out and not yet received.
  std::uint64_t in_flight() const { return handed_out_ - received_; }

  /// Records a received page. Returns an error text when `next` cannot be followed.
  std::optional<std::string> on_page(std::uint64_t seq, const page_pagination& pagination);

  /// True when every page was received and no page is left to follow.
  bool finished() const;

  /// Pages known so far (planned or followed).
  std::uint64_t pages_known() const { return pages_known_; }

  /// The listing offset of the first record of page `seq` (a known page).
  std::int64_t offset_of(std::uint64_t seq) const { return offsets_.at(seq); }

private:
  url_for_offset make_url_;
  int page_size_;
  std::string first_url_;
  std::deque<planned_page> pending_;
  std::vector<std::int64_t> offsets_; // by seq
  std::uint64_t pages_known_ = 1;
  std::uint64_t handed_out_ = 0;
  std::uint64_t received_ = 0;
};

} // namespace klarna::logic
