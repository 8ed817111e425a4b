#include "logic/plan/payout_fanout.hpp"
#include "logic/plan/page_plan.hpp"

#include "protocol/stream_catalog.hpp"

#include <boost/url/url.hpp>

namespace klarna::logic {

namespace {

// The URL of a page of one payout's transactions.
std::string transactions_url(const std::string& api_base, const protocol::stream_definition& stream,
                             const std::string& reference, int page_size, std::int64_t offset) {
  boost::urls::url url(api_base + stream.path);
  url.params().append({"payment_reference", reference});
  url.params().append({"offset", std::to_string(offset)});
  url.params().append({"size", std::to_string(page_size)});
  return std::string(url.buffer());
}

// payment_reference and payout_date of every payout of a page (the parser kept them:
// they are the payouts stream's key fields).
std::vector<std::pair<std::string, std::string>> payouts_in(const protocol::record_batch& records) {
  std::vector<std::pair<std::string, std::string>> found;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& reference = records.key(i, "payment_reference");
    const auto& date = records.key(i, "payout_date");
    if (reference && date)
      found.emplace_back(*reference, *date);
  }
  return found;
}

} // namespace

payout_fanout::payout_fanout(const protocol::stream_definition& transactions,
                             const protocol::stream_definition& payouts, std::string api_base_url,
                             int page_size, stream_start start)
  : transactions_(transactions),
    payouts_(payouts),
    api_base_url_(std::move(api_base_url)),
    page_size_(page_size),
    start_(std::move(start)),
    payouts_reader_(
      payouts.name,
      [this](std::int64_t offset) {
        return page_url(api_base_url_, payouts_, page_size_, offset, start_.listing_start,
                        start_.listing_end);
      },
      page_size, 0) {
}

std::optional<page_request> payout_fanout::take_next(bool has_credit) {
  if (auto page = payouts_reader_.take_next())
    return page_request{0, page->id, std::move(page->url), &payouts_, credit_use::none};
  for (auto i = frontier_; i < listings_.size(); ++i) {
    auto& payout = *listings_[i];
    if (!payout.reader.has_next())
      continue;
    // Without a credit only the earliest payout may go on, and only when nothing of
    // it is on the way (what is on the way will be written and return credits; its
    // answers held ahead of a missing page are not on the way, so it goes on then).
    bool borrow = !has_credit && i == frontier_ && payout.reader.in_flight() == 0;
    if (!has_credit && !borrow)
      return std::nullopt;
    auto page = payout.reader.take_next();
    return page_request{i + 1, page->id, std::move(page->url), &transactions_,
                        borrow ? credit_use::borrow : credit_use::spend};
  }
  return std::nullopt;
}

void payout_fanout::add_payouts(const protocol::record_batch& records) {
  for (auto& [reference, date] : payouts_in(records)) {
    // Done before, or listed twice (a listing that shifted between its pages): its
    // transactions are read once.
    if (start_.payouts_done.count(reference) != 0 || !listed_.insert(reference).second)
      continue;
    std::int64_t first = start_.current && start_.current->payment_reference == reference
                           ? start_.current->offset
                           : 0;
    auto listing = std::make_unique<payout_listing>(payout_listing{
      reference, date,
      listing_reader(
        transactions_.name + " of payout " + reference,
        [this, reference = reference](std::int64_t offset) {
          return transactions_url(api_base_url_, transactions_, reference, page_size_, offset);
        },
        page_size_, first),
      {}});
    listings_.push_back(std::move(listing));
  }
}

ledger_page payout_fanout::to_emit(payout_listing& payout, verified_page page) {
  listing_step step{page.next_offset, page.total, std::nullopt,
                    payout_step{payout.reference, payout.payout_date, page.last}};
  return {frontier_base_ + page.index, std::move(page.page.records), std::move(step)};
}

// Hands on what the frontier payout holds; once all its pages are verified, the
// next payout becomes the frontier, its pages now countable.
void payout_fanout::advance(page_outcome& outcome) {
  while (frontier_ < listings_.size()) {
    auto& payout = *listings_[frontier_];
    for (auto& page : payout.held)
      outcome.pages.push_back(to_emit(payout, std::move(page)));
    payout.held.clear();
    if (!payout.reader.finished())
      return;
    frontier_base_ += payout.reader.pages_verified();
    ++frontier_;
  }
}

page_outcome payout_fanout::on_page(std::uint64_t listing, std::uint64_t seq, parsed_page page) {
  page_outcome outcome;
  if (listing == 0) {
    auto progress = payouts_reader_.on_page(seq, std::move(page));
    outcome.warnings = std::move(progress.warnings);
    if (progress.failure) {
      outcome.error = std::move(progress.failure);
      return outcome;
    }
    for (auto& verified : progress.pages)
      add_payouts(verified.page.records);
  } else {
    auto& payout = *listings_.at(listing - 1);
    auto progress = payout.reader.on_page(seq, std::move(page));
    outcome.credits_back = progress.dropped;
    outcome.warnings = std::move(progress.warnings);
    if (progress.failure) {
      outcome.error = std::move(progress.failure);
      return outcome;
    }
    for (auto& verified : progress.pages)
      payout.held.push_back(std::move(verified));
  }
  advance(outcome);
  return outcome;
}

bool payout_fanout::finished() const {
  return payouts_reader_.finished() && frontier_ == listings_.size();
}

bool payout_fanout::has_work() const {
  if (payouts_reader_.has_next())
    return true;
  for (auto i = frontier_; i < listings_.size(); ++i)
    if (listings_[i]->reader.has_next())
      return true;
  return false;
}

std::uint64_t payout_fanout::pages_known() const {
  auto known = frontier_base_;
  for (auto i = frontier_; i < listings_.size(); ++i)
    known += listings_[i]->reader.pages_known();
  return known;
}

std::uint64_t payout_fanout::held_bytes() const {
  auto bytes = payouts_reader_.held_bytes();
  for (auto i = frontier_; i < listings_.size(); ++i) {
    bytes += listings_[i]->reader.held_bytes();
    for (const auto& page : listings_[i]->held)
      bytes += page.page.records.bytes();
  }
  return bytes;
}

} // namespace klarna::logic
