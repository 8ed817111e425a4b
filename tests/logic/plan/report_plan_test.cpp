// Which requests archive the settlement reports: the payouts listing a page at a
// time, then each payout's CSV and PDF the archive lacks.
#include "logic/plan/report_plan.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace klarna::logic;

namespace {

std::string payouts_page(std::initializer_list<const char*> references) {
  std::string body = R"({"payouts":[)";
  for (const auto* reference : references) {
    if (body.back() != '[')
      body += ',';
    body += std::string(R"({"payment_reference":")") + reference
            + R"(","payout_date":"2022-01-03T07:00:00Z","totals":{}})";
  }
  return body + R"(],"pagination":{"count":)" + std::to_string(references.size()) + "}}";
}

std::vector<report_request> drain(report_plan& plan) {
  std::vector<report_request> requests;
  while (auto request = plan.next())
    requests.push_back(std::move(*request));
  return requests;
}

} // namespace

TEST_CASE("the listing goes a page at a time, then the reports the archive lacks", "[report_plan]") {
  std::set<std::string> archived{"KP1.csv", "KP1.pdf", "KP2.pdf"};
  report_plan plan("https://api.klarna.com/", std::string("2022-01-01"),
                   std::string("2022-02-01T00:00:00Z"), 2,
                   [&](const std::string& file) { return archived.count(file) > 0; });
  auto first = plan.next();
  REQUIRE(first);
  CHECK(first->listing);
  CHECK(first->url == "https://api.klarna.com/settlements/v1/payouts?start_date=2022-01-01&"
                      "end_date=2022-02-01T00%3A00%3A00Z&offset=0&size=2");
  CHECK_FALSE(plan.next()); // one page at a time

  CHECK_FALSE(plan.on_listing_page(payouts_page({"KP1", "KP2"})));
  auto requests = drain(plan);
  REQUIRE(requests.size() == 2); // the next listing page and KP2's CSV
  CHECK(requests[0].listing);
  CHECK(requests[0].url.find("offset=2&size=2") != std::string::npos);
  CHECK(requests[1].url == "https://api.klarna.com/settlements/v1/reports/payout-with-transactions"
                           "?payment_reference=KP2");
  CHECK(requests[1].file == "KP2.csv");
  CHECK(requests[1].payout_date == "2022-01-03T07:00:00Z");
  CHECK(requests[1].label == "settlement report KP2.csv");

  // A payout listed twice (the listing moved) is archived once.
  CHECK_FALSE(plan.on_listing_page(payouts_page({"KP2", "KP3"})));
  requests = drain(plan);
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].url.find("offset=4&size=2") != std::string::npos);
  CHECK(requests[1].file == "KP3.csv");
  CHECK(requests[2].url == "https://api.klarna.com/settlements/v1/reports/payout?payment_reference=KP3");
  // A page that is not full ends the listing.
  CHECK_FALSE(plan.listing_done());
  CHECK_FALSE(plan.on_listing_page(payouts_page({})));
  CHECK(drain(plan).empty());
  CHECK(plan.listing_done());
  CHECK(plan.payouts_listed() == 3);
  CHECK(plan.files_present() == 3);
  CHECK(plan.newest_payout_date() == std::string("2022-01-03T07:00:00Z"));
  CHECK(plan.problems().empty());
}

TEST_CASE("what the archive cannot take is said, not fetched", "[report_plan]") {
  report_plan plan("http://127.0.0.1:1/", std::nullopt, std::nullopt, 500,
                   [](const std::string&) { return false; });
  REQUIRE(plan.next());
  SECTION("a reference that would name a path") {
    CHECK_FALSE(plan.on_listing_page(payouts_page({"../etc/passwd", "KP9"})));
    auto requests = drain(plan);
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].file == "KP9.csv");
    REQUIRE(plan.problems().size() == 1);
    CHECK_THAT(plan.problems()[0], Catch::Contains("../etc/passwd") && Catch::Contains("file name"));
  }
  SECTION("a body that is not a page of payouts leaves the plan as it was") {
    auto problem = plan.on_listing_page(R"({"transactions":[]})");
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::Contains("offset 0") && Catch::Contains("'payouts'"));
    CHECK(plan.on_listing_page(R"({"payouts":[{"payment_reference":"KP1"},{"payout_date":"x"}]})"));
    CHECK_FALSE(plan.next()); // the page is being tried again
    CHECK(plan.payouts_listed() == 0);
    CHECK_FALSE(plan.on_listing_page(payouts_page({"KP1"})));
    CHECK(drain(plan).size() == 2);
    CHECK(plan.listing_done());
  }
}

TEST_CASE("a report body that cannot be the file is told", "[report_plan]") {
  report_request pdf;
  pdf.file = "KP1.pdf";
  report_request csv;
  csv.file = "KP1.csv";
  CHECK_FALSE(report_body_problem(pdf, "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"));
  CHECK_THAT(*report_body_problem(pdf, "%PDF-1.4\n1 0 obj\n<<"), Catch::Contains("cut short"));
  CHECK_THAT(*report_body_problem(pdf, R"({"error_code":"X"})"), Catch::Contains("%PDF-"));
  CHECK_FALSE(report_body_problem(csv, "type,amount\r\nSALE,100\r\n"));
  CHECK_FALSE(report_body_problem(csv, "type,note\r\nSALE,\"a, \"\"b\"\"\r\nc\"\r\n"));
  CHECK_THAT(*report_body_problem(csv, "type,amount\r\nSALE,100"), Catch::Contains("line break"));
  CHECK_THAT(*report_body_problem(csv, "type,amount\r\nSALE,\"10"), Catch::Contains("quoted"));
  CHECK_THAT(*report_body_problem(csv, "type,amount,currency\r\nSALE,100\r\n"),
             Catch::Contains("2 of its 3 columns"));
  CHECK_THAT(*report_body_problem(csv, R"({"data":[]})"), Catch::Contains("not CSV"));
  CHECK_THAT(*report_body_problem(csv, ""), Catch::Contains("empty"));
}
