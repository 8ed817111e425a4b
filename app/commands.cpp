#include "app/commands.hpp"

#include "app/sync_report.hpp"
#include "pipeline/read_pipeline.hpp"
#include "pipeline/stream_plans.hpp"
#include "pipeline/tell_user.hpp"
#include "config/connector_config.hpp"
#include "config/credentials.hpp"
#include "config/connector_spec.hpp"
#include "config/input_error.hpp"
#include "config/iso8601.hpp"
#include "http/http_client.hpp"
#include "http/klarna_error.hpp"
#include "logic/plan/page_plan.hpp"
#include "protocol/airbyte_messages.hpp"
#include "protocol/stream_catalog.hpp"
#include "sinks/sink_registry.hpp"
#include "stores/report_archive.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <future>

#include <unistd.h>

namespace klarna::app {

using pipeline::known_streams;
using pipeline::plan_streams;
using pipeline::plan_sync;
using pipeline::read_options;
using pipeline::run_pipeline;
using pipeline::tell_user;

std::string stream_names() { return config::names_of(known_streams()); }

namespace {

void emit(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

// A configuration problem ends spec/discover/read: a TRACE error for the platform,
// a line for people on stderr, exit code 1.
int fail_with_config_error(const std::string& message) {
  emit(protocol::error_trace_line({config::failure_type::config_error, message, {}}));
  tell_user(message);
  return 1;
}

void warn_about_ignored_fields(const config::connector_config& cfg) {
  for (const auto& field : cfg.ignored_fields)
    emit(protocol::log_line(protocol::log_level::warn, config::ignored_field_warning(field)));
}

// One authenticated request for the first payout: the answer tells whether the
// credentials, host and network are right.
std::string probe_connection(const config::connector_config& cfg) {
  std::promise<http::http_response> answered;
  auto response = answered.get_future();
  auto settings = http::http_settings_for(cfg);
  // check answers quickly; a sync may wait longer for a slow page.
  settings.total_timeout_ms = std::min(settings.total_timeout_ms, 30'000L);
  {
    http::http_client client(settings, [&answered](http::http_response r) {
      answered.set_value(std::move(r));
    });
    client.submit({1, logic::page_url(cfg.api_base_url, *protocol::find_stream("payouts"),
                                         1, 0, std::nullopt)});
    response.wait();
  }
  auto result = response.get();
  if (result.status == 200)
    return {};
  if (result.status == 0)
    return "Could not reach Klarna at " + cfg.api_base_url + ": "
           + http::describe_transport_error(result.transport_code, result.transport_error);
  return http::advice_for_status(result.status,
                                  config::credential_form_of(cfg.username, cfg.password)) + " Klarna answered "
         + http::describe_error_response(result.status, result.body) + ".";
}

} // namespace

int run_spec() {
  emit(protocol::spec_line(config::connector_specification()));
  return 0;
}

int run_check(const std::string& config_path) {
  try {
    auto cfg = config::read_connector_config(config_path);
    warn_about_ignored_fields(cfg);
    auto problem = probe_connection(cfg);
    emit(protocol::connection_status_line(problem.empty(), problem));
  } catch (const config::input_error& e) {
    emit(protocol::connection_status_line(false, e.what()));
  }
  return 0;
}

int run_discover(const std::string& config_path) {
  try {
    auto cfg = config::read_connector_config(config_path);
    warn_about_ignored_fields(cfg);
  } catch (const config::input_error& e) {
    return fail_with_config_error(e.what());
  }
  emit(protocol::catalog_line(protocol::airbyte_catalog()));
  return 0;
}

namespace {

// What an interrupted run wrote, and how to go on from there.
std::string stopped_text(const protocol::read_figures& summary, const std::string& how_to_resume) {
  std::string written;
  for (std::size_t i = 0; i < summary.streams.size() && i < summary.records.size(); ++i)
    written += (written.empty() ? "" : ", ") + summary.streams[i] + " " + grouped(summary.records[i]);
  return std::string("stopped by ") + (summary.interrupted_by == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM")
         + "; what was written stays (records: " + written + "). " + how_to_resume;
}

// The exit code of a finished read, with its summary for people on stderr.
int exit_code_of(const protocol::read_figures& summary, const std::string& how_to_resume) {
  tell_user(protocol::describe(summary));
  if (!summary.output_ok) {
    tell_user(summary.output_error);
    return 1;
  }
  if (summary.interrupted_by != 0) {
    tell_user(stopped_text(summary, how_to_resume));
    return 128 + summary.interrupted_by;
  }
  if (summary.reports && (summary.reports->files_failed > 0 || !summary.reports->complete))
    return 1;
  return summary.all_complete ? 0 : 1;
}

} // namespace

int run_catalog(const config::stream_pick& pick) {
  try {
    auto catalog = protocol::configured_catalog(pipeline::picked_streams(pick));
    emit(boost::json::serialize(catalog) + "\n");
    return 0;
  } catch (const config::input_error& e) {
    tell_user(e.what());
    return 1;
  }
}

int run_read(const std::string& config_path, const config::stream_pick& pick,
             const std::string& state_path, const std::string& sink_uri) {
  config::connector_config cfg;
  std::vector<actors::emitted_stream> streams;
  try {
    cfg = config::read_connector_config(config_path);
    if (pick.catalog_path.empty() && pick.streams.empty()
        && pick.mode == config::mode_choice::as_default)
      throw config::input_error("read needs --catalog FILE (a configured catalog, as Airbyte "
                                "passes) or --streams NAMES (" + stream_names() + ")");
    if (!pick.catalog_path.empty() && pick.mode != config::mode_choice::as_default)
      throw config::input_error("--full-refresh and --incremental go with --streams; with "
                                "--catalog, the catalog says how each stream is read");
    auto selected = pick.catalog_path.empty()
                      ? pipeline::picked_streams(pick)
                      : config::read_configured_catalog(pick.catalog_path, known_streams());
    config::input_state state;
    if (!state_path.empty())
      state = config::read_input_state(state_path);
    streams = plan_streams(cfg, selected, state);
  } catch (const config::input_error& e) {
    return fail_with_config_error(e.what());
  }
  warn_about_ignored_fields(cfg);
  read_options options;
  options.sink_uri = sink_uri;
  try {
    auto held = sinks::lock_destination(sink_uri); // one writer per destination
    return exit_code_of(run_pipeline(cfg, streams, options),
                        "To resume, read again with the last STATE message of each stream in "
                        "--state (Airbyte does so itself).");
  } catch (const config::input_error& e) {
    return fail_with_config_error(e.what());
  }
}

int run_sync(const std::string& config_path, const config::stream_pick& pick,
             const std::string& sink_uri, const std::string& reports_directory) {
  config::connector_config cfg;
  pipeline::sync_plan plan;
  // One writer per destination, taken before its state is read and held to the end.
  std::unique_ptr<stores::destination_lock> held;
  std::shared_ptr<stores::report_archive> archive;
  try {
    cfg = config::read_connector_config(config_path);
    held = sinks::lock_destination(sink_uri);
    plan = plan_sync(cfg, pick, sink_uri);
    if (!reports_directory.empty())
      archive = std::make_shared<stores::report_archive>(reports_directory);
  } catch (const config::input_error& e) {
    tell_user(e.what());
    return 1;
  }
  for (const auto& field : cfg.ignored_fields)
    tell_user(config::ignored_field_warning(field));
  read_options options;
  options.sink_uri = sink_uri;
  options.reports = std::move(archive);
  options.reports_until = config::format_iso8601_utc(std::time(nullptr));
  options.progress = isatty(STDERR_FILENO) ? read_options::progress_display::terminal
                                           : read_options::progress_display::plain;
  try {
    auto summary = run_pipeline(cfg, plan.streams, options);
    for (const auto& line : describe_sync(sink_uri, plan, summary))
      tell_user(line);
    return exit_code_of(summary, "Run the same command again to resume from the last "
                                 "checkpoint; until then a cut stream's rows wait in the "
                                 "destination's staging (_klarna_staging_* tables in a "
                                 "database, part files in a directory).");
  } catch (const config::input_error& e) {
    tell_user(e.what());
    return 1;
  }
}

} // namespace klarna::app
