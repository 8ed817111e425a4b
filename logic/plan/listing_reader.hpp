#pragma once

// Reads one paginated listing exactly while the listing may change under it. Klarna
// documents no sort order, and new payouts and transactions arrive while a sync
// pages through them: records inserted before the page being read shift every later
// offset, so reading by offsets alone doubles some records and misses others.
//
// Every page after the first is therefore requested one record early: its first
// record must be the previous page's last one (the boundary). When it is, nothing
// moved before the boundary between the two answers, and the page's other records
// continue the listing exactly; records inserted after the boundary are read once,
// in place. When it is not, and the page is not merely an answer older than the
// boundary's (asked for again), the listing moved: the boundary record is looked for
// in the page that missed it, else with a probe where the change of `total` says it
// went, placed to end where a planned page begins; the read continues after it, and
// the pages planned after it still line up (answers given after the change overlap
// each other by one record as before).
// A boundary that cannot be found again, or a listing that keeps moving, ends the
// read with an error instead of a silent duplicate or loss.
//
// Pages are planned lazily (never more than `max_outstanding` requests ahead), the
// server's `total` is a hint, and what a page says is checked: no more records than
// asked, no short page before the end, a `next` link that stays in the listing and
// moves forward. Pure logic, driven by logic/plan/listing_source.cpp and
// logic/plan/payout_fanout.cpp.

#include "config/input_error.hpp"
#include "logic/parse/page_parser.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace klarna::logic {

/// A request the reader wants sent: `id` comes back with its answer.
struct listing_request {
  std::uint64_t id = 0;
  std::string url;
};

/// A page whose records continue the listing exactly, in listing order.
struct verified_page {
  /// 0, 1, 2, ... in the order the pages must be emitted.
  std::uint64_t index = 0;
  parsed_page page; // without the record repeated from the previous page
  /// The listing offset after the page's records, and the total, as its answer said.
  std::int64_t next_offset = 0;
  std::optional<std::int64_t> total;
  /// The listing's last page.
  bool last = false;
};

/// Why a listing cannot be read on.
struct listing_failure {
  config::failure_type type = config::failure_type::system_error;
  std::string message;
};

/// What one answer gave.
struct listing_progress {
  std::vector<verified_page> pages;
  /// Answers that will never be emitted (past the end, or holding only records a
  /// probe went past).
  std::uint64_t dropped = 0;
  std::vector<std::string> warnings;
  std::optional<listing_failure> failure;
};

class listing_reader {
public:
  using url_for_offset = std::function<std::string(std::int64_t offset)>;

  struct limits {
    /// Requests planned ahead of the verified part, at most.
    std::uint64_t max_outstanding = 64;
    /// Times the listing may move during one read before the read gives up.
    int max_moves = 8;
  };

  /// `page_size` is at least 2 (one record of each page repeats the previous one's
  /// last). `cursor_field`, unless empty, names the date-time field whose latest
  /// value a page reports: it is taken again when records are cut from a page.
  listing_reader(std::string name, url_for_offset make_url, int page_size,
                 std::int64_t first_offset, std::string cursor_field = {});
  listing_reader(std::string name, url_for_offset make_url, int page_size,
                 std::int64_t first_offset, std::string cursor_field, limits limits);

  /// The next request to send, if one is due.
  std::optional<listing_request> take_next();
  bool has_next() const;

  /// The next request is the one the verified part waits for (the first page, a
  /// probe, or the page right after the verified records): it must go out even when
  /// every credit is held by pages answered ahead of it, or the read would stall.
  bool frontier_due() const;

  /// Requests sent and not answered yet.
  std::uint64_t in_flight() const { return outstanding_.size(); }

  /// Answers held until the verified part reaches them (each holds a credit).
  bool holds_pages() const { return !held_.empty(); }
  /// The records of those answers, in bytes.
  std::uint64_t held_bytes() const { return held_bytes_; }

  /// An answer, parsed.
  listing_progress on_page(std::uint64_t id, parsed_page page);

  /// The last page was verified.
  bool finished() const { return ended_; }

  /// Pages verified, plus the pages the latest total says are left.
  std::uint64_t pages_known() const;

  /// Pages verified so far (all of the listing's once finished).
  std::uint64_t pages_verified() const { return verified_pages_; }

  /// Times the listing was seen to move (boundary not where it was).
  int moves() const { return moves_; }

private:
  struct request_info {
    std::int64_t offset = 0;   // as requested
    std::int64_t new_from = 0; // the first record not yet verified, when it lines up
    bool probe = false; // looking for the boundary after a move
  };
  struct held_page {
    request_info request;
    parsed_page page;
  };

  held_page release_held(std::map<std::int64_t, held_page>::iterator at);
  void verify_held(listing_progress& progress);
  bool accept(const request_info& request, parsed_page& page, std::size_t skip,
              listing_progress& progress);
  bool found_again(const request_info& request, parsed_page& page, listing_progress& progress);
  void probe_or_fail(const request_info& request, const parsed_page& page,
                     listing_progress& progress);
  std::optional<std::string> check_next(const request_info& request, const parsed_page& page) const;
  void fail(listing_progress& progress, config::failure_type type, std::string message);

  std::string name_;
  url_for_offset make_url_;
  std::int64_t page_size_;
  std::int64_t first_offset_;
  std::string first_url_;
  std::string cursor_field_;
  limits limits_;

  std::uint64_t next_id_ = 0;
  std::map<std::uint64_t, request_info> outstanding_;
  std::map<std::int64_t, held_page> held_; // by new_from
  std::uint64_t held_bytes_ = 0;

  bool first_requested_ = false;
  bool first_verified_ = false;
  /// The verified part: records before `verified_to_` in the latest verified
  /// answer; `boundary_` is the record at verified_to_ - 1 (its JSON as sent: the
  /// same record gives the same text), `boundary_total_` that answer's total.
  std::int64_t verified_to_ = 0;
  std::string boundary_;
  std::optional<std::int64_t> boundary_total_;
  std::uint64_t verified_pages_ = 0;
  /// Where the next planned page's new records start, and how far the listing goes
  /// as far as the latest answer knows.
  std::int64_t plan_from_ = 0;
  std::int64_t known_end_ = 0;
  /// A probe for the boundary is on the way, and the offsets already probed since
  /// the listing last moved.
  bool probing_ = false;
  std::vector<std::int64_t> probed_;
  std::optional<std::int64_t> pending_probe_;
  int moves_ = 0;
  bool ended_ = false;
  bool failed_ = false;
};

} // namespace klarna::logic
