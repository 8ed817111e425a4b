// source-klarna: an Airbyte source for the Klarna Settlements API.

#include "app/allocator_tuning.hpp"
#include "app/commands.hpp"
#include "config/printable_text.hpp"
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

  CLI::App app{"source-klarna: Airbyte source for Klarna settlements (payouts, transactions)",
               "source-klarna"};
  app.require_subcommand(1);
  std::string config_path;
  std::string catalog_path;
  std::string state_path;

  app.add_subcommand("spec", "print the connector specification");
  auto* check = app.add_subcommand("check", "test the credentials with one request");
  check->add_option("--config", config_path, "config JSON file")->required();
  auto* discover = app.add_subcommand("discover", "print the catalog of streams");
  discover->add_option("--config", config_path, "config JSON file")->required();
  auto* read = app.add_subcommand("read", "read the selected streams");
  read->add_option("--config", config_path, "config JSON file")->required();
  read->add_option("--catalog", catalog_path, "configured catalog JSON file")->required();
  read->add_option("--state", state_path, "state JSON file (optional)");
  std::string sink_uri = "airbyte:";
  read->add_option("--sink", sink_uri, "where records go: " + klarna::sinks::sink_usages())
    ->capture_default_str();
  auto* sync = app.add_subcommand("sync", "run a whole sync into a sink, without Airbyte");
  sync->add_option("--config", config_path, "config JSON file")->required();
  sync->add_option("--catalog", catalog_path, "configured catalog JSON file (default: all streams)");
  sync->add_option("--sink", sink_uri, "where records go: " + klarna::sinks::sink_usages())
    ->required();
  bool full_refresh = false;
  sync->add_flag("--full-refresh", full_refresh,
                 "read every stream in full (default: incremental into a database sink, from "
                 "the state it keeps)");
  std::string reports_directory;
  sync->add_option("--reports", reports_directory,
                   "also archive each payout's settlement reports (CSV and PDF) into this "
                   "directory, once, with a manifest (manifest.csv)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (app.got_subcommand("spec"))
      return klarna::app::run_spec();
    if (app.got_subcommand(check))
      return klarna::app::run_check(config_path);
    if (app.got_subcommand(discover))
      return klarna::app::run_discover(config_path);
    if (app.got_subcommand(sync))
      return klarna::app::run_sync(config_path, catalog_path, sink_uri, full_refresh,
                                    reports_directory);
    return klarna::app::run_read(config_path, catalog_path, state_path, sink_uri);
  } catch (const std::exception& e) {
    // Last resort: the password is never put in exceptions; redacted all the same.
    std::cerr << "source-klarna: internal error: " << klarna::config::text_for_output(e.what())
              << '\n';
    return 70;
  }
}
