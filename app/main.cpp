// source-klarna: an Airbyte source for the Klarna Settlements API.

#include "app/allocator_tuning.hpp"
#include "app/commands.hpp"
#include "config/printable_text.hpp"
#include "config/stream_selection.hpp"
#include "sinks/sink_registry.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

#include <sys/prctl.h>
#include <sys/resource.h>

int main(int argc, char** argv) {
  klarna::app::tune_allocator_for_page_buffers();
  // A crash must not leave the password in a core file: no core, and not dumpable
  // (which also keeps other users' debuggers out of the process's memory).
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // A reader that goes away must not kill us mid-write; writes then fail with EPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"source-klarna: Airbyte source for Klarna settlements (streams: "
                 + klarna::app::stream_names() + ")",
               "source-klarna"};
  app.set_version_flag("--version", SOURCE_KLARNA_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 done; 1 failed (the error says why); 2 bad command line; 70 "
             "internal error; 130/143 stopped by SIGINT/SIGTERM (what was written stays; a "
             "sync resumes when run again). The table is in README.md, \"Exit codes\".");
  std::string config_path;
  std::string state_path;
  klarna::config::stream_pick pick;

  // Picking streams without a configured catalog file.
  auto pick_options = [&](CLI::App* command, const std::string& catalog_help) {
    auto* catalog = command->add_option("--catalog", pick.catalog_path, catalog_help);
    command->add_option("--streams", pick.streams,
                        "comma-separated streams to read instead of a catalog: "
                          + klarna::app::stream_names() + " (default: all)")
      ->excludes(catalog);
    auto* full = command->add_flag_callback(
      "--full-refresh", [&] { pick.mode = klarna::config::mode_choice::full_refresh; },
      "read every picked stream in full");
    command
      ->add_flag_callback("--incremental",
                          [&] { pick.mode = klarna::config::mode_choice::incremental; },
                          "read every picked stream incrementally (from --state, or the state "
                          "the sink keeps), or fail saying why one cannot be")
      ->excludes(full);
  };

  app.add_subcommand("spec", "print the connector specification");
  auto* check = app.add_subcommand("check", "test the credentials with one request");
  check->add_option("--config", config_path, "config JSON file")->required();
  auto* discover = app.add_subcommand("discover", "print the catalog of streams");
  discover->add_option("--config", config_path, "config JSON file")->required();
  auto* catalog = app.add_subcommand(
    "catalog", "print a configured catalog (for read --catalog) that reads the picked streams");
  catalog->add_option("--streams", pick.streams,
                      "comma-separated streams: " + klarna::app::stream_names() + " (default: all)");
  catalog->add_flag_callback("--incremental",
                             [&] { pick.mode = klarna::config::mode_choice::incremental; },
                             "every picked stream incremental (default: full refresh)");
  auto* read = app.add_subcommand("read", "read the selected streams");
  read->add_option("--config", config_path, "config JSON file")->required();
  pick_options(read, "configured catalog JSON file (Airbyte's), or use --streams");
  read->add_option("--state", state_path, "state JSON file (optional)");
  std::string sink_uri = "airbyte:";
  read->add_option("--sink", sink_uri, "where records go: " + klarna::sinks::sink_usages())
    ->capture_default_str();
  auto* sync = app.add_subcommand("sync", "run a whole sync into a sink, without Airbyte");
  sync->add_option("--config", config_path, "config JSON file")->required();
  pick_options(sync, "configured catalog JSON file (default: every stream)");
  sync->add_option("--sink", sink_uri, "where records go: " + klarna::sinks::sink_usages())
    ->required();
  std::string reports_directory;
  sync->add_option("--reports", reports_directory,
                   "also archive each payout's settlement reports (CSV and PDF) into this "
                   "directory, once, with a manifest (manifest.csv)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; a bad command line with 2, as is usual.
    return app.exit(e) == 0 ? 0 : 2;
  }

  try {
    if (app.got_subcommand("spec"))
      return klarna::app::run_spec();
    if (app.got_subcommand(check))
      return klarna::app::run_check(config_path);
    if (app.got_subcommand(discover))
      return klarna::app::run_discover(config_path);
    if (app.got_subcommand(catalog))
      return klarna::app::run_catalog(pick);
    if (app.got_subcommand(sync))
      return klarna::app::run_sync(config_path, pick, sink_uri, reports_directory);
    return klarna::app::run_read(config_path, pick, state_path, sink_uri);
  } catch (const std::exception& e) {
    // Last resort: the password is never put in exceptions; redacted all the same.
    std::cerr << "source-klarna: internal error: " << klarna::config::text_for_output(e.what())
              << '\n';
    return 70;
  }
}
