#include "protocol/stream_state.hpp"

#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "config/json_input.hpp"
#include "config/printable_text.hpp"

#include <boost/json/serialize.hpp>

namespace klarna::protocol {

namespace {

constexpr const char* complete_marker = "__ab_full_refresh_sync_complete";

std::string date_text(const boost::json::value& value, const std::string& where) {
  if (!value.is_string())
    throw config::input_error(where + " must be an ISO-8601 date-time string, got "
                              + config::json_type_name(value));
  std::string text(value.get_string());
  if (!config::parse_iso8601_epoch_seconds(text))
    throw config::input_error(where + " must be an ISO-8601 date-time, got '" + text + "'");
  return text;
}

std::optional<std::string> date_member(const boost::json::object& object, const char* key,
                                       const std::string& where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null())
    return std::nullopt;
  return date_text(*value, where + "." + key);
}

std::optional<std::int64_t> count_member(const boost::json::object& object, const char* key,
                                         const std::string& where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null())
    return std::nullopt;
  // A bound far past any merchant's listing, so that no offset computed from a
  // state can overflow.
  constexpr std::int64_t largest = 1'000'000'000'000;
  if (!value->is_int64() || value->get_int64() < 0 || value->get_int64() > largest)
    throw config::input_error(where + "." + key
                              + " must be an integer from 0 to 1000000000000, got "
                              + config::printable_text(boost::json::serialize(*value), 64));
  return value->get_int64();
}

std::int64_t required_offset(const boost::json::object& object, const std::string& where) {
  auto offset = count_member(object, "offset", where);
  if (!offset)
    throw config::input_error(where + ".offset is required");
  return *offset;
}

const boost::json::object* object_member(const boost::json::object& state, const char* key,
                                         const std::string& where) {
  const auto* value = state.if_contains(key);
  if (value == nullptr || value->is_null())
    return nullptr;
  if (!value->is_object())
    throw config::input_error(where + "." + key + " must be an object, got "
                              + config::json_type_name(*value));
  return &value->get_object();
}

listing_position read_listing(const boost::json::object& object, const std::string& where) {
  listing_position position;
  position.start_date = date_member(object, "start_date", where);
  position.offset = required_offset(object, where);
  position.total = count_member(object, "total", where);
  if (position.total && position.offset > *position.total)
    throw config::input_error(where + ".offset " + std::to_string(position.offset)
                              + " is past the listing's total " + std::to_string(*position.total)
                              + ": no read of that listing can have stopped there");
  position.max_cursor = date_member(object, "max_payout_date", where);
  return position;
}

payout_position read_current(const boost::json::object& object, const std::string& where) {
  const auto* reference = object.if_contains("payment_reference");
  if (reference == nullptr || !reference->is_string() || reference->get_string().empty())
    throw config::input_error(where + ".payment_reference must be a non-empty string");
  return {std::string(reference->get_string()), required_offset(object, where)};
}

} // namespace

bool listing_position::operator==(const listing_position& other) const {
  return start_date == other.start_date && offset == other.offset && total == other.total
         && max_cursor == other.max_cursor;
}

boost::json::object to_stream_state(const stream_progress& progress) {
  boost::json::object state;
  if (progress.full_refresh_complete)
    state[complete_marker] = true;
  if (progress.cursor)
    state["payout_date"] = *progress.cursor;
  if (const auto& listing = progress.listing) {
    boost::json::object position;
    if (listing->start_date)
      position["start_date"] = *listing->start_date;
    position["offset"] = listing->offset;
    if (listing->total)
      position["total"] = *listing->total;
    if (listing->max_cursor)
      position["max_payout_date"] = *listing->max_cursor;
    state["listing"] = std::move(position);
  }
  if (!progress.payouts_done.empty()) {
    boost::json::object done;
    for (const auto& [reference, date] : progress.payouts_done)
      done[reference] = date;
    state["payouts_done"] = std::move(done);
  }
  if (const auto& current = progress.current)
    state["current"] = {{"payment_reference", current->payment_reference},
                        {"offset", current->offset}};
  return state;
}

stream_progress from_stream_state(const boost::json::object& state, const std::string& where) {
  stream_progress progress;
  if (const auto* marker = state.if_contains(complete_marker))
    progress.full_refresh_complete = marker->is_bool() && marker->get_bool();
  progress.cursor = date_member(state, "payout_date", where);
  if (const auto* listing = object_member(state, "listing", where))
    progress.listing = read_listing(*listing, where + ".listing");
  if (const auto* done = object_member(state, "payouts_done", where))
    for (const auto& [reference, date] : *done)
      progress.payouts_done[std::string(reference)] =
        date_text(date, where + ".payouts_done." + std::string(reference));
  if (const auto* current = object_member(state, "current", where))
    progress.current = read_current(*current, where + ".current");
  return progress;
}

} // namespace klarna::protocol
