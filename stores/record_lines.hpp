#pragma once

#include <string_view>

namespace klarna::stores {

/// Calls `on_record(data)` with the `data` object of every RECORD line in `lines`
/// (as sink_write_records carries them), in order. The lines come from the page
/// parser, so their shape is known: {"type":"RECORD","record":{"stream":...,
/// "data":<data>,"emitted_at":<ms>}}; `data` is a view into `lines`.
template <class OnRecord>
void for_each_record_data(std::string_view lines, OnRecord&& on_record) {
  constexpr std::string_view data_key = ",\"data\":";
  constexpr std::string_view emitted_key = ",\"emitted_at\":";
  while (!lines.empty()) {
    auto end = lines.find('\n');
    auto line = lines.substr(0, end);
    auto begin = line.find(data_key) + data_key.size();
    auto stop = line.rfind(emitted_key);
    on_record(line.substr(begin, stop - begin));
    if (end == std::string_view::npos)
      break;
    lines.remove_prefix(end + 1);
  }
}

} // namespace klarna::stores
