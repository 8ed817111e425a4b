#include "logic/plan/listing_reader.hpp"

#include "config/iso8601.hpp"
#include "logic/plan/page_plan.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace klarna::logic {

namespace {

// The latest date-time in `field` among the records (the parser kept the field's
// values as a key field of the batch).
std::optional<std::string> max_cursor_of(const protocol::record_batch& records,
                                         const std::string& field) {
  std::optional<std::string> latest;
  std::int64_t latest_epoch = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& text = records.key(i, field);
    auto epoch = text ? config::parse_iso8601_epoch_seconds(*text) : std::nullopt;
    if (epoch && (!latest || *epoch > latest_epoch)) {
      latest_epoch = *epoch;
      latest = *text;
    }
  }
  return latest;
}

// The offset query parameter of a URL, when it has one that is a number.
std::optional<std::int64_t> offset_parameter(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed)
    return std::nullopt;
  auto found = parsed->params().find("offset");
  if (found == parsed->params().end())
    return std::nullopt;
  std::string text((*found).value);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    return -1; // present but not a number: never moves forward
  return value;
}

} // namespace

listing_reader::listing_reader(std::string name, url_for_offset make_url, int page_size,
                               std::int64_t first_offset, std::string cursor_field)
  : listing_reader(std::move(name), std::move(make_url), page_size, first_offset,
                   std::move(cursor_field), limits{}) {
}

listing_reader::listing_reader(std::string name, url_for_offset make_url, int page_size,
                               std::int64_t first_offset, std::string cursor_field,
                               limits limits)
  : name_(std::move(name)),
    make_url_(std::move(make_url)),
    page_size_(std::max(2, page_size)),
    first_offset_(first_offset),
    cursor_field_(std::move(cursor_field)),
    limits_(limits),
    verified_to_(first_offset) {
  first_url_ = make_url_(first_offset_);
}

bool listing_reader::frontier_due() const {
  if (!has_next())
    return false;
  return !first_requested_ || pending_probe_ || plan_from_ == verified_to_;
}

bool listing_reader::has_next() const {
  if (ended_ || failed_)
    return false;
  if (!first_requested_ || pending_probe_)
    return true;
  if (probing_ || !first_verified_)
    return false;
  return held_.size() + outstanding_.size() < limits_.max_outstanding && plan_from_ < known_end_;
}

std::optional<listing_request> listing_reader::take_next() {
  if (!has_next())
    return std::nullopt;
  request_info request;
  if (!first_requested_) {
    first_requested_ = true;
    request.offset = request.new_from = first_offset_;
  } else if (pending_probe_) {
    request.offset = *pending_probe_;
    request.probe = probing_ = true;
    pending_probe_.reset();
  } else {
    // One record early: the previous page's last record, the boundary to check.
    request.new_from = plan_from_;
    request.offset = plan_from_ - 1;
    plan_from_ += page_size_ - 1;
  }
  auto id = next_id_++;
  outstanding_[id] = request;
  return listing_request{id, make_url_(request.offset)};
}

void listing_reader::fail(listing_progress& progress, config::failure_type type,
                          std::string message) {
  failed_ = true;
  progress.failure = listing_failure{type, name_ + ": " + std::move(message)};
}

listing_progress listing_reader::on_page(std::uint64_t id, parsed_page page) {
  listing_progress progress;
  auto found = outstanding_.find(id);
  if (found == outstanding_.end())
    return progress;
  auto request = found->second;
  outstanding_.erase(found);
  if (failed_ || ended_) {
    progress.dropped = 1;
    return progress;
  }
  if (page.records.size() > static_cast<std::uint64_t>(page_size_)) {
    fail(progress, config::failure_type::system_error,
         "the page at offset " + std::to_string(request.offset) + " holds "
           + std::to_string(page.records.size()) + " records, more than the "
           + std::to_string(page_size_) + " asked for; it is refused");
    return progress;
  }
  if (request.probe) {
    probing_ = false;
    if (!found_again(request, page, progress))
      probe_or_fail(request, page, progress);
  } else if (request.new_from < verified_to_) {
    progress.dropped = 1; // records already verified: the probe went past them
  } else {
    held_bytes_ += page.records.bytes();
    held_.emplace(request.new_from, held_page{request, std::move(page)});
  }
  verify_held(progress);
  return progress;
}

listing_reader::held_page listing_reader::release_held(std::map<std::int64_t, held_page>::iterator at) {
  auto held = std::move(at->second);
  held_.erase(at);
  held_bytes_ -= held.page.records.bytes();
  return held;
}

void listing_reader::verify_held(listing_progress& progress) {
  while (!ended_ && !failed_ && !probing_ && !pending_probe_) {
    // Pages a probe went past hold only records already verified.
    while (!held_.empty() && held_.begin()->first < verified_to_) {
      release_held(held_.begin());
      ++progress.dropped;
    }
    auto next = held_.find(verified_to_);
    if (next == held_.end())
      return;
    auto held = release_held(next);
    if (!first_verified_) {
      accept(held.request, held.page, 0, progress);
      continue;
    }
    const auto& records = held.page.records;
    if (!records.empty() && records.front() == boundary_) {
      accept(held.request, held.page, 1, progress);
      continue;
    }
    // An answer given before the one the boundary came from (a smaller total)
    // arrived late: it says nothing new, so it is asked for again.
    const auto& total = held.page.pagination.total;
    if (total && boundary_total_ && *total < *boundary_total_) {
      probed_.clear();
      probe_or_fail(held.request, held.page, progress);
      continue;
    }
    // The boundary moved: the listing changed between the two answers.
    if (++moves_ > limits_.max_moves) {
      fail(progress, config::failure_type::transient_error,
           "the listing changed " + std::to_string(moves_)
             + " times while it was read; the records emitted are exact (none twice), "
               "the rest is left: run the sync again");
      return;
    }
    // Found again in this page, the records after it continue the listing, and the
    // pages planned after this one still line up with it (the grid keeps its
    // stride, and answers from after the change overlap each other by one record).
    if (found_again(held.request, held.page, progress))
      continue;
    probed_.clear();
    probe_or_fail(held.request, held.page, progress);
  }
}

// Looks for the boundary record in a page answered after the listing moved; the
// records after it continue the listing.
bool listing_reader::found_again(const request_info& request, parsed_page& page,
                                 listing_progress& progress) {
  for (std::size_t i = 0; i < page.records.size(); ++i) {
    if (page.records[i] != boundary_)
      continue;
    auto was = verified_to_;
    auto total_was = boundary_total_;
    if (accept(request, page, i + 1, progress))
      progress.warnings.push_back(
        name_ + ": the listing moved while it was read (its total went from "
        + (total_was ? std::to_string(*total_was) : std::string("unknown")) + " to "
        + (boundary_total_ ? std::to_string(*boundary_total_) : std::string("unknown"))
        + "); the record it had reached at offset " + std::to_string(was - 1)
        + " was found again at offset " + std::to_string(request.offset + std::int64_t(i))
        + " and the read goes on after it, each record once");
    return true;
  }
  return false;
}

// Probes where the change of the total says the boundary went, or gives up. The probe
// is placed so that it ends where a planned page begins: records inserted before the
// boundary shift every answer given after the change alike, so the planned pages
// answered since then go on from the probe, overlapping it and each other by one.
void listing_reader::probe_or_fail(const request_info& request, const parsed_page& page,
                                   listing_progress& progress) {
  std::int64_t grown = 0;
  if (page.pagination.total && boundary_total_)
    grown = *page.pagination.total - *boundary_total_;
  // The boundary is now at verified_to_ - 1 + grown; the probe [o, o + size) holds
  // it and o + size is verified_to_ + k (size - 1), a planned page's first new record.
  // An answer older than the boundary's (a smaller total) is asked for again.
  auto stride = page_size_ - 1;
  auto pages_on = grown > 0 ? (grown - 1) / stride + 1 : 0;
  std::int64_t candidate = request.offset;
  if (grown > 0 && (__builtin_mul_overflow(pages_on, stride, &candidate)
                    || __builtin_add_overflow(candidate, verified_to_ - page_size_, &candidate))) {
    fail(progress, config::failure_type::system_error,
         "the listing's total went from " + std::to_string(boundary_total_.value_or(0)) + " to "
           + std::to_string(*page.pagination.total) + ", past any offset");
    return;
  }
  bool probed_before = std::find(probed_.begin(), probed_.end(), candidate) != probed_.end();
  probed_.push_back(request.offset);
  if (grown != 0 && !probed_before && probed_.size() <= 4) {
    pending_probe_ = candidate;
    return;
  }
  fail(progress, config::failure_type::transient_error,
       "the listing moved while it was read (total "
         + (boundary_total_ ? std::to_string(*boundary_total_) : std::string("unknown")) + ", now "
         + (page.pagination.total ? std::to_string(*page.pagination.total) : std::string("unknown"))
         + ") and the record at offset " + std::to_string(verified_to_ - 1)
         + " was not found again; the " + std::to_string(verified_to_ - first_offset_)
         + " records up to it were emitted exactly, the rest is left: run the sync again");
}

std::optional<std::string> listing_reader::check_next(const request_info& request,
                                                      const parsed_page& page) const {
  const auto& next = page.pagination.next;
  if (!next)
    return std::nullopt;
  if (!is_followable_next(*next, first_url_))
    return "the API's next link '" + *next + "' leaves the collection being read; it is not followed";
  auto offset = offset_parameter(*next);
  if (offset && *offset <= request.offset)
    return "the API's next link '" + *next + "' does not move forward from the page at offset "
           + std::to_string(request.offset) + "; it is not followed";
  return std::nullopt;
}

// Takes a page whose records from `skip` on continue the verified part.
bool listing_reader::accept(const request_info& request, parsed_page& page, std::size_t skip,
                            listing_progress& progress) {
  auto count = static_cast<std::int64_t>(page.records.size());
  const auto& total = page.pagination.total;
  if (!first_verified_ && total && request.offset > *total) {
    fail(progress, config::failure_type::config_error,
         "the state's offset " + std::to_string(request.offset)
           + " is past the listing's end (it holds " + std::to_string(*total)
           + " records): the state is not from this listing (reset the stream's state)");
    return false;
  }
  std::int64_t end_offset = 0;
  if (__builtin_add_overflow(request.offset, count, &end_offset)) {
    fail(progress, config::failure_type::system_error,
         "the page at offset " + std::to_string(request.offset) + " goes past the largest offset");
    return false;
  }
  if (auto problem = check_next(request, page)) {
    fail(progress, config::failure_type::system_error, std::move(*problem));
    return false;
  }
  bool last = total ? end_offset >= *total : !page.pagination.next;
  if (!last && count < page_size_) {
    fail(progress, config::failure_type::system_error,
         "the page at offset " + std::to_string(request.offset) + " holds " + std::to_string(count)
           + " records of the " + std::to_string(page_size_)
           + " asked for, but the listing says it holds "
           + (total ? std::to_string(*total) : std::string("more (next link)"))
           + "; a short page before the end is refused");
    return false;
  }
  if (!page.records.empty())
    boundary_ = std::string(page.records.back());
  if (skip > 0) {
    page.records.drop_front(skip);
    // The record repeated from the previous page was emitted with it; records cut
    // from before a moved boundary were not, so their cursor must not count.
    if (skip > 1 && !cursor_field_.empty())
      page.max_cursor = max_cursor_of(page.records, cursor_field_);
  }
  verified_to_ = end_offset;
  boundary_total_ = total;
  known_end_ = last ? end_offset : (total ? *total : end_offset + 1);
  plan_from_ = std::max(plan_from_, verified_to_);
  first_verified_ = true;
  progress.pages.push_back({verified_pages_++, std::move(page), end_offset, total, last});
  if (last) { // answers held or on the way past the end are dropped
    ended_ = true;
    progress.dropped += held_.size();
    held_.clear();
    held_bytes_ = 0;
  }
  return true;
}

std::uint64_t listing_reader::pages_known() const {
  if (ended_)
    return verified_pages_;
  if (!first_verified_)
    return verified_pages_ + 1;
  auto left = std::max<std::int64_t>(known_end_ - verified_to_, 0);
  return verified_pages_ + static_cast<std::uint64_t>((left + page_size_ - 2) / (page_size_ - 1));
}

} // namespace klarna::logic
