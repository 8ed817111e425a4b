#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace klarna::protocol {
struct stream_definition;
}

namespace klarna::logic {

using protocol::stream_definition;

/// The URL of one page of a stream:
/// <api_base><path>?[start_date=..&][end_date=..&]offset=..&size=.. (the dates only
/// where the stream has those filters).
std::string page_url(const std::string& api_base, const stream_definition& stream,
                     int page_size, std::int64_t offset,
                     const std::optional<std::string>& start_date,
                     const std::optional<std::string>& end_date = std::nullopt);

/// True when `next` may be followed from a collection whose first page is
/// `first_page_url`: same scheme, host, port and path. Credentials go nowhere else.
bool is_followable_next(const std::string& next, const std::string& first_page_url);

} // namespace klarna::logic
