#pragma once

#include "pipeline/messages/pipeline_interfaces.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace klarna::stores {
class report_archive;
}

namespace klarna::actors {

/// What the report archiver lists and how many files it asks for at once.
struct report_archiver_settings {
  std::string api_base_url;
  /// The payouts listing's payout_date filter.
  std::optional<std::string> start_date;
  std::optional<std::string> end_date;
  int page_size = 500;
  std::size_t max_outstanding = 16;
};

/// Spawns the report archiver (detached: it writes to the disk). On start_atom it
/// reads the payouts listing and fetches each listed payout's CSV and PDF report
/// that `archive` lacks through `fetcher` (so under the read's budget, with its
/// retries), stores each in `archive` as it arrives, and sends archive_figures to
/// `reply_to` when the listing is read and every file is archived or failed. A file
/// that cannot be had is counted and the others go on; a listing page that cannot
/// be had, or a disk that fails, ends the archiving. `interrupted` ends it at once
/// (what is archived stays: the next sync goes on from there).
caf::actor spawn_report_archiver(caf::actor_system& system, report_archiver_settings settings,
                                 std::shared_ptr<stores::report_archive> archive,
                                 const messages::fetcher_actor& fetcher,
                                 const caf::actor& reply_to);

} // namespace klarna::actors
