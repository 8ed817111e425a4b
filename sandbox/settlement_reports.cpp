#include "sandbox/settlement_reports.hpp"

#include "logic/parse/csv_field.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace klarna::sandbox {

namespace {

constexpr std::array<const char*, 15> csv_columns = {
  "type", "detailed_type", "order_id", "short_order_id", "capture_id",
  "merchant_reference1", "merchant_reference2", "sale_date", "capture_date", "amount",
  "currency_code", "vat_rate", "vat_amount", "purchase_country", "payment_reference"};

std::string major_units(std::int64_t minor) {
  char text[40];
  std::snprintf(text, sizeof text, "%s%lld.%02lld", minor < 0 ? "-" : "",
                static_cast<long long>(std::llabs(minor) / 100),
                static_cast<long long>(std::llabs(minor) % 100));
  return text;
}

// Text for a PDF string literal: backslash, parentheses escaped; ASCII only.
std::string pdf_text(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == '(' || c == ')')
      escaped += '\\';
    escaped += (static_cast<unsigned char>(c) < 0x80) ? c : '?';
  }
  return escaped;
}

} // namespace

std::string payout_report_csv(const dataset& data, const payout_row& payout) {
  std::string csv;
  for (const auto* column : csv_columns)
    csv += std::string(csv.empty() ? "" : ",") + column;
  csv += "\r\n";
  auto found = data.transactions_by_reference.find(payout.payment_reference);
  if (found == data.transactions_by_reference.end())
    return csv;
  for (auto index : found->second) {
    auto transaction = boost::json::parse(data.transactions[index].json).as_object();
    std::string line;
    for (std::size_t i = 0; i < csv_columns.size(); ++i)
      line += (i == 0 ? "" : ",") + logic::csv_field(transaction.if_contains(csv_columns[i]));
    csv += line + "\r\n";
  }
  return csv;
}

std::string payout_report_pdf(const payout_row& payout) {
  std::vector<std::string> lines = {
    "Klarna settlement report",
    "Payment reference: " + payout.payment_reference,
    "Currency: " + payout.currency_code,
    "",
  };
  for (const auto& [name, value] : payout.totals)
    if (value.is_int64())
      lines.push_back(std::string(name) + ": " + payout.currency_code + " "
                      + major_units(value.as_int64()));
  std::string content = "BT /F1 11 Tf 14 TL 56 790 Td\n";
  for (const auto& line : lines)
    content += "(" + pdf_text(line) + ") '\n";
  content += "ET\n";
  std::vector<std::string> objects = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    "/Resources << /Font << /F1 5 0 R >> >> >>",
    "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  auto xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto offset : offsets) {
    char entry[24];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n"
         + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

} // namespace klarna::sandbox
