#pragma once

#include "sandbox/dataset.hpp"

#include <string>

namespace klarna::sandbox {

/// A payout's settlement report as CSV (GET /settlements/v1/reports/
/// payout-with-transactions): a header line, then one line per transaction of the
/// payout, in listing order, with the fields finance teams reconcile by. Klarna's
/// own CSV has more columns (docs.klarna.com/settlement-reports); the archive keeps
/// whatever bytes come.
std::string payout_report_csv(const dataset& data, const payout_row& payout);

/// A payout's settlement report as PDF (GET /settlements/v1/reports/payout): one
/// page with the payout's reference, date, currency and totals in major units; a
/// real, small PDF 1.4 file.
std::string payout_report_pdf(const payout_row& payout);

} // namespace klarna::sandbox
