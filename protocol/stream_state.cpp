#include "protocol/stream_state.hpp"

#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "config/json_input.hpp"

namespace klarna::protocol {

namespace {

constexpr const char* complete_marker = "__ab_full_refresh_sync_complete";

std::optional<std::string> date_member(const boost::json::object& object, const char* key,
                                       const std::string& where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null())
    return std::nullopt;
  if (!value->is_string())
    throw config::input_error(where + "." + key + " must be an ISO-8601 date-time string, got "
                              + config::json_type_name(*value));
  std::string text(value->get_string());
  if (!config::parse_iso8601_epoch_seconds(text))
    throw config::input_error(where + "." + key + " must be an ISO-8601 date-time, got '" + text
                              + "'");
  return text;
}

std::optional<std::int64_t> count_member(const boost::json::object& object, const char* key,
                                         const std::string& where) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null())
    return std::nullopt;
  if (!value->is_int64() || value->get_int64() < 0)
    throw config::input_error(where + "." + key + " must be a non-negative integer");
  return value->get_int64();
}

} // namespace

bool listing_position::operator==(const listing_position& other) const {
  return start_date == other.start_date && offset == other.offset && total == other.total
         && max_cursor == other.max_cursor;
}

boost::json::object to_stream_state(const stream_progress& progress,
                                    const std::string& cursor_field) {
  boost::json::object state;
  if (progress.full_refresh_complete)
    state[complete_marker] = true;
  if (progress.cursor)
    state[cursor_field] = *progress.cursor;
  if (const auto& listing = progress.listing) {
    boost::json::object position;
    if (listing->start_date)
      position["start_date"] = *listing->start_date;
    position["offset"] = listing->offset;
    if (listing->total)
      position["total"] = *listing->total;
    if (listing->max_cursor)
      position["max_" + cursor_field] = *listing->max_cursor;
    state["listing"] = std::move(position);
  }
  return state;
}

stream_progress from_stream_state(const boost::json::object& state,
                                  const std::string& cursor_field, const std::string& where) {
  stream_progress progress;
  if (const auto* marker = state.if_contains(complete_marker))
    progress.full_refresh_complete = marker->is_bool() && marker->get_bool();
  if (!cursor_field.empty())
    progress.cursor = date_member(state, cursor_field.c_str(), where);
  if (const auto* listing = state.if_contains("listing")) {
    if (!listing->is_object())
      throw config::input_error(where + ".listing must be an object, got "
                                + config::json_type_name(*listing));
    const auto& object = listing->get_object();
    const auto here = where + ".listing";
    listing_position position;
    position.start_date = date_member(object, "start_date", here);
    auto offset = count_member(object, "offset", here);
    if (!offset)
      throw config::input_error(here + ".offset is required");
    position.offset = *offset;
    position.total = count_member(object, "total", here);
    if (!cursor_field.empty())
      position.max_cursor = date_member(object, ("max_" + cursor_field).c_str(), here);
    progress.listing = std::move(position);
  }
  return progress;
}

} // namespace klarna::protocol
