#pragma once

// Streams picked on the command line (--streams, --full-refresh, --incremental)
// instead of a configured catalog file.

#include "config/configured_catalog.hpp"

#include <string>
#include <vector>

namespace klarna::config {

/// How the picked streams are read: each as the command's default, or all in one mode.
enum class mode_choice { as_default, full_refresh, incremental };

/// The streams a command reads, as its options say: a configured catalog file
/// (--catalog), or stream names (--streams; none: every stream), in a mode
/// (--full-refresh, --incremental: also with a catalog).
struct stream_pick {
  std::string catalog_path;
  std::string streams;
  mode_choice mode = mode_choice::as_default;
};

/// The streams named in `list` ("payouts,transactions", in that order; empty: every
/// known stream), each in `choice`'s mode (`as_default`: `default_mode`, or full
/// refresh for a stream that cannot be read incrementally). Throws input_error
/// naming a stream that is not known (with the closest name), named twice, or asked
/// for incrementally that cannot be.
std::vector<selected_stream> select_streams(const std::string& list, mode_choice choice,
                                            sync_mode default_mode,
                                            const std::vector<known_stream>& known);

} // namespace klarna::config
