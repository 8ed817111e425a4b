#include "config/input_error.hpp"
#include "config/stream_selection.hpp"

#include <catch2/catch.hpp>

using namespace klarna::config;

namespace {

const std::vector<known_stream> known = {
  {"payouts", true}, {"transactions", true}, {"payout_summaries", false}};

std::string error_of(const std::string& list, mode_choice choice = mode_choice::as_default) {
  try {
    select_streams(list, choice, sync_mode::full_refresh, known);
  } catch (const input_error& e) {
    return e.what();
  }
  return {};
}

} // namespace

TEST_CASE("--streams picks the named streams in their order, all when empty", "[streams]") {
  auto picked = select_streams("transactions, payouts", mode_choice::as_default,
                               sync_mode::incremental, known);
  REQUIRE(picked.size() == 2);
  CHECK(picked[0].name == "transactions");
  CHECK(picked[0].mode == sync_mode::incremental);
  CHECK(picked[1].name == "payouts");
  auto all = select_streams("", mode_choice::as_default, sync_mode::incremental, known);
  REQUIRE(all.size() == 3);
  CHECK(all[2].mode == sync_mode::full_refresh); // payout_summaries cannot continue
}

TEST_CASE("--full-refresh and --incremental set every picked stream's mode", "[streams]") {
  for (const auto& stream :
       select_streams("payouts,transactions", mode_choice::full_refresh, sync_mode::incremental,
                      known))
    CHECK(stream.mode == sync_mode::full_refresh);
  for (const auto& stream :
       select_streams("payouts,transactions", mode_choice::incremental, sync_mode::full_refresh,
                      known))
    CHECK(stream.mode == sync_mode::incremental);
  CHECK_THAT(error_of("payout_summaries", mode_choice::incremental),
             Catch::Contains("'payout_summaries' can only be read in full"));
}

TEST_CASE("an unknown or repeated stream is refused with the closest name", "[streams]") {
  CHECK_THAT(error_of("payout"), Catch::Contains("unknown stream 'payout'")
                                   && Catch::Contains("did you mean 'payouts'?")
                                   && Catch::Contains("payouts, transactions, payout_summaries"));
  CHECK_THAT(error_of("payouts,payouts"), Catch::Contains("'payouts' twice"));
}
