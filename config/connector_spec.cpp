#include "config/connector_spec.hpp"

#include <boost/json/parse.hpp>

namespace klarna::config {

namespace {

// Kept as JSON text so that it reads like the document Airbyte shows a merchant.
constexpr const char* specification_json = R"json({
  "documentationUrl": "https://docs.airbyte.com/integrations/sources/klarna",
  "connectionSpecification": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Klarna Settlements Spec",
    "type": "object",
    "required": ["region", "username", "password"],
    "additionalProperties": true,
    "properties": {
      "region": {
        "title": "Region",
        "description": "Region of the Klarna account: eu (Europe), na (North America; \"us\" is accepted as an alias) or oc (Oceania).",
        "type": "string",
        "enum": ["eu", "na", "us", "oc"],
        "order": 0
      },
      "playground": {
        "title": "Playground",
        "description": "Read from Klarna's playground (test) environment instead of production.",
        "type": "boolean",
        "default": false,
        "order": 1
      },
      "username": {
        "title": "Username (UID)",
        "description": "The API username (UID) from the Klarna Merchant Portal, Settings > API credentials.",
        "type": "string",
        "order": 2
      },
      "password": {
        "title": "Password",
        "description": "The API password that belongs to the username.",
        "type": "string",
        "airbyte_secret": true,
        "order": 3
      },
      "start_date": {
        "title": "Start date",
        "description": "Payouts before this ISO-8601 date or date-time are not read. A bare date means 00:00:00 UTC. Leave empty to read all payouts. Transactions have no date filter in the API and are always read in full.",
        "type": "string",
        "pattern": "^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9]))?$",
        "examples": ["2024-01-01", "2024-01-01T00:00:00Z"],
        "order": 4
      },
      "base_url": {
        "title": "Base URL",
        "description": "Replaces the region and playground host, for proxies and tests; requests go to <base_url>settlements/v1/... Plain http is only allowed for loopback hosts.",
        "type": "string",
        "examples": ["http://127.0.0.1:8099/"],
        "order": 5
      },
      "page_size": {
        "title": "Page size",
        "description": "Records per request (Klarna allows at most 500).",
        "type": "integer",
        "minimum": 1,
        "maximum": 500,
        "default": 500,
        "order": 6
      },
      "requests_per_second": {
        "title": "Requests per second",
        "description": "Request budget averaged over 60 seconds, shared by all streams. Defaults to Klarna's limit: 200 in production, 50 in the playground. Lower it when other systems use the same credentials.",
        "type": "number",
        "minimum": 0.001,
        "maximum": 10000,
        "order": 7
      },
      "rate_window_seconds": {
        "title": "Rate window (seconds)",
        "description": "The window over which requests_per_second is averaged. Klarna measures over 60 seconds; change it only for a server that measures differently.",
        "type": "number",
        "minimum": 1,
        "maximum": 3600,
        "default": 60,
        "order": 8
      },
      "connect_timeout_seconds": {
        "title": "Connect timeout (seconds)",
        "description": "Time allowed to open a connection to Klarna.",
        "type": "number",
        "minimum": 1,
        "maximum": 300,
        "default": 10,
        "order": 9
      },
      "request_timeout_seconds": {
        "title": "Request timeout (seconds)",
        "description": "Time allowed for one whole request; a request past it is retried.",
        "type": "number",
        "minimum": 1,
        "maximum": 3600,
        "default": 120,
        "order": 10
      },
      "low_speed_timeout_seconds": {
        "title": "Stalled transfer timeout (seconds)",
        "description": "A response arriving slower than 1 KiB/s for this long is aborted and retried.",
        "type": "number",
        "minimum": 1,
        "maximum": 3600,
        "default": 15,
        "order": 11
      },
      "max_attempts": {
        "title": "Attempts per page",
        "description": "Tries of one page after server errors, timeouts, broken connections or damaged bodies (429s wait for the rate budget instead and are not counted).",
        "type": "integer",
        "minimum": 1,
        "maximum": 20,
        "default": 5,
        "order": 12
      },
      "page_deadline_seconds": {
        "title": "Deadline per page (seconds)",
        "description": "Time that the attempts of one page may take together before the sync gives up on it.",
        "type": "number",
        "minimum": 1,
        "maximum": 86400,
        "default": 900,
        "order": 13
      },
      "max_retry_wait_seconds": {
        "title": "Longest server-requested wait (seconds)",
        "description": "When Klarna answers 429 or 503 with a Retry-After longer than this, the stream ends as a transient error that quotes the server instead of waiting. Waits over 5 seconds are logged as warnings.",
        "type": "number",
        "minimum": 0,
        "maximum": 86400,
        "default": 600,
        "order": 14
      },
      "ca_certificate": {
        "title": "CA certificate (PEM)",
        "description": "Trust these CA certificates (PEM) instead of the system's to verify the API host, e.g. the CA of a TLS-inspecting corporate proxy. SSL_CERT_FILE, SSL_CERT_DIR and CURL_CA_BUNDLE are honoured too. Certificate and host name verification are always on.",
        "type": "string",
        "multiline": true,
        "examples": ["-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"],
        "order": 15
      }
    }
  }
})json";

} // namespace

boost::json::value connector_specification() {
  return boost::json::parse(specification_json);
}

} // namespace klarna::config
