// The progress display of `sync` on the test coordinator, writing to a file as it
// would to stderr: what a person sees of statuses, errors, warnings and progress.

#include "actors/progress_display.hpp"

#include "actors/deterministic_system.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

using namespace klarna;
using namespace klarna::messages;
using klarna::testing::deterministic_system;

namespace {

struct display_under_test {
  deterministic_system runtime;
  std::FILE* out = std::tmpfile();
  reporter_actor display;

  explicit display_under_test(bool terminal = false) {
    display = runtime.stop_at_end(actors::spawn_progress_display(runtime.system(), out, terminal));
  }

  ~display_under_test() { std::fclose(out); }

  template <class Message>
  void tell(Message message) {
    caf::anon_send(display, std::move(message));
    runtime.run();
  }

  std::string shown() const {
    std::fflush(out);
    std::rewind(out);
    std::string text;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;)
      text.append(buffer, n);
    return text;
  }
};

protocol::failure_report unauthorized(const std::string& stream) {
  return {config::failure_type::config_error,
          "could not read " + stream + " page 0: HTTP 401 UNAUTHORIZED. Klarna rejected the API key.",
          "HTTP 401 UNAUTHORIZED: Invalid or missing credentials"};
}

} // namespace

TEST_CASE("the display shows how streams are read, warnings and errors, not INFO logs",
          "[progress_display]") {
  display_under_test test;
  test.tell(stream_status_report{"payouts", protocol::stream_status::started, std::nullopt,
                                 "full refresh"});
  test.tell(log_entry{protocol::log_level::info, "an Airbyte-only line"});
  test.tell(log_entry{protocol::log_level::warn, "the listing moved"});
  test.tell(stream_error{"payouts", unauthorized("payouts"), false});
  CHECK(test.shown()
        == "source-klarna: INFO: payouts: full refresh\n"
           "source-klarna: WARN: the listing moved\n"
           "source-klarna: error: could not read payouts page 0: HTTP 401 UNAUTHORIZED. "
           "Klarna rejected the API key.\n");
}

TEST_CASE("a wrong key is explained once, however many streams it fails",
          "[progress_display]") {
  display_under_test test;
  for (const char* stream : {"payouts", "transactions", "payout_summaries"})
    test.tell(stream_error{stream, unauthorized(stream), false});
  auto shown = test.shown();
  CHECK(shown.find("Klarna rejected the API key") == shown.rfind("Klarna rejected the API key"));
  CHECK_THAT(shown, Catch::Contains("error: transactions failed the same way (HTTP 401, see above)")
                      && Catch::Contains("error: payout_summaries failed the same way"));
}

TEST_CASE("an interrupt is a stop, not an error", "[progress_display]") {
  display_under_test test;
  test.tell(stream_error{"transactions",
                         {config::failure_type::transient_error,
                          "the sync was stopped by SIGINT before transactions was read completely",
                          "SIGINT"},
                         true});
  CHECK(test.shown()
        == "source-klarna: the sync was stopped by SIGINT before transactions was read "
           "completely\n");
}

TEST_CASE("progress is a plain line each time off a terminal, the summary's last",
          "[progress_display]") {
  display_under_test test;
  protocol::progress_figures progress;
  progress.elapsed_seconds = 5;
  progress.streams = {{"payouts", 120, 1, 3, false, false}};
  test.tell(progress);
  progress.streams[0] = {"payouts", 400, 3, 3, true, true};
  progress.elapsed_seconds = 9;
  caf::scoped_actor self{test.runtime.system()};
  auto answer = self->request(test.display, caf::infinite, run_summary{{}, progress});
  test.runtime.run();
  bool out = false;
  answer.receive([&](bool done) { out = done; }, [](const caf::error&) {});
  CHECK(out);
  auto shown = test.shown();
  CHECK_THAT(shown, Catch::StartsWith("[0:05] payouts 120 records 1/3 pages (ETA 0:10);")
                      && Catch::Contains("\n[0:09] payouts 400 records 3/3 pages (complete);"));
}
