#include "config/config_fields.hpp"

#include <cstdio>

namespace klarna::config {

namespace {

// Each entry: name, title, description (spec), meaning (docs), JSON type, target,
// then the extras. Keep the spec's wording for Airbyte's form, the docs' for people
// who write the JSON by hand. Fields are added in the specification's order.

// The account and where it lives.
void add_account_fields(std::vector<config_field>& fields) {
  config_field region{"region", "Region",
                      "Region of the Klarna account: eu (Europe), na (North America; \"us\" is "
                      "accepted as an alias) or oc (Oceania).",
                      "the region of the Klarna account", "string", std::monostate{}};
  region.required = true;
  region.allowed = {"eu", "na", "us", "oc"};
  region.type_text = "`\"eu\"`, `\"na\"` (alias `\"us\"`), `\"oc\"`";
  fields.push_back(std::move(region));

  config_field playground{"playground", "Playground",
                          "Read from Klarna's playground (test) environment instead of production.",
                          "use Klarna's playground (test) environment", "boolean", &connector_config::playground};
  playground.default_json = "false";
  fields.push_back(std::move(playground));

  // The API key comes first on Klarna's "Authentication" page and in the form.
  config_field password{
    "password", "API key or password",
    "The API key from the Klarna Merchant Portal (Settings > API keys): klarna_live_api_... "
    "for production, klarna_test_api_... for the playground. With an older username and "
    "password credential, the password.",
    "the API key from the Merchant Portal (`klarna_live_api_…` for production, "
    "`klarna_test_api_…` for the playground), or the password of an older username/password "
    "credential; never printed, logged or put in an error, in any form (see below). Outside "
    "Airbyte it may stay out of the file: `env:NAME` takes it from environment variable NAME, "
    "`file:PATH` from a file (one trailing line break dropped)",
    "string", &connector_config::password};
  password.required = true;
  password.secret = true;
  fields.push_back(std::move(password));

  config_field username{
    "username", "Username (only if Klarna showed you one)",
    "Leave empty for an API key alone. Fill in the UUID Klarna showed when the API key was "
    "created (optional, but if given it must be that key's), or the username (UID) of an "
    "older username and password credential.",
    "empty for an API key alone; the UUID shown when the key was created (optional), or the "
    "username (UID) of an older username/password credential (HTTP Basic cannot carry a `:` "
    "in it)",
    "string", &connector_config::username};
  username.type_text = "string without `:`";
  fields.push_back(std::move(username));

  config_field start_date{
    "start_date", "Start date",
    "Payouts before this ISO-8601 date or date-time are not read, nor in incremental mode their "
    "transactions; payout summaries start in its month (they need it). A bare date means "
    "00:00:00 UTC. Leave empty to read all payouts. A full refresh of transactions reads them "
    "all: the API has no date filter for them. From 2000-01-01 on.",
    "payouts before it are not read, nor (incremental) their transactions; payout summaries "
    "start in its month and need it (a bare date is 00:00:00 UTC; a zone offset is at most "
    "±14:59); a full refresh of transactions reads them all (the API has no date filter for "
    "them); 2000-01-01 or later",
    "string", &connector_config::start_date};
  start_date.type_text = "ISO-8601 date or date-time";
  start_date.pattern = "^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)"
                       "?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9]))?$";
  start_date.examples = {"2024-01-01", "2024-01-01T00:00:00Z"};
  // The form's picker writes date-times; the pattern also takes a bare date or "".
  start_date.format = "date-time";
  fields.push_back(std::move(start_date));

  config_field lookback{
    "lookback_window_days", "Lookback window (days)",
    "An incremental sync of payouts asks for payouts from this many days before the latest "
    "payout_date it has seen, so a payout that Klarna publishes after others of the same or an "
    "earlier date is not missed. The payouts of those days are emitted again; their primary key "
    "payment_reference lets a deduplicating destination keep one copy.",
    "incremental payouts are read again from this many days before the last `payout_date` "
    "seen, for payouts published late; those are emitted again (deduplicated by "
    "`payment_reference`)",
    "integer", &connector_config::lookback_window_days};
  lookback.minimum = 0;
  lookback.maximum = 365;
  lookback.default_json = "1";
  fields.push_back(std::move(lookback));

  config_field base_url{"base_url", "Base URL",
                        "Replaces the region and playground host, for proxies and tests; requests "
                        "go to <base_url>settlements/v1/... Plain http is only allowed for "
                        "loopback hosts.",
                        "replaces the host, e.g. a proxy or `http://127.0.0.1:8099/` for "
                        "klarna-sandbox; plain http only to a loopback host (below)",
                        "string", std::monostate{}};
  base_url.type_text = "URL";
  base_url.default_text = "region's host";
  base_url.examples = {"http://127.0.0.1:8099/"};
  fields.push_back(std::move(base_url));
}

// How much is asked of Klarna, and how fast.
void add_budget_fields(std::vector<config_field>& fields) {
  // At least 2: each page after the first repeats the previous page's last record,
  // which shows whether the listing moved between the two (logic/plan/listing_reader.hpp).
  config_field page_size{"page_size", "Page size",
                         "Records per request (Klarna allows at most 500; at least 2, as each "
                         "page repeats the previous page's last record to check the listing "
                         "did not move).",
                         "records per request", "integer", &connector_config::page_size};
  page_size.minimum = 2;
  page_size.maximum = 500;
  page_size.default_json = "500";
  fields.push_back(std::move(page_size));

  config_field rate{"requests_per_second", "Requests per second",
                    "The merchant's request quota, averaged over 60 seconds: Klarna's limit, 200 in "
                    "production and 50 in the playground, counted per merchant across all its "
                    "integrations. The connector keeps quota_reserve_share of it free and yields "
                    "what other traffic of the merchant is measured to use.",
                    "the merchant's request quota (Klarna counts it per merchant, across all its "
                    "integrations), averaged over the window; also the most requests started in "
                    "any one second; the connector takes it less the reserve and the other "
                    "traffic it measures",
                    "number", &connector_config::requests_per_second};
  // The rate must be above 0; the smallest accepted is one request per 1000 s.
  rate.minimum = 0.001;
  rate.maximum = 10000;
  rate.default_text = "200 (production), 50 (playground)";
  fields.push_back(std::move(rate));

  config_field window{"rate_window_seconds", "Rate window (seconds)",
                      "The window over which requests_per_second is averaged. Klarna measures over "
                      "60 seconds; change it only for a server that measures differently.",
                      "window of that average; Klarna measures over 60 s",
                      "number", &connector_config::rate_window_seconds};
  window.minimum = 1;
  window.maximum = 3600;
  window.default_json = "60";
  fields.push_back(std::move(window));

  config_field reserve{
    "quota_reserve_share", "Quota reserve share",
    "The share of the merchant's quota the connector never takes, so the merchant's captures "
    "and refunds (the same quota at Klarna) are not refused while a sync runs. Other traffic "
    "measured from Klarna's rate-limit headers is yielded on top. 0 takes the whole quota.",
    "share of the quota left free for the merchant's other traffic (order management shares "
    "it at Klarna), on top of the other traffic measured from the rate-limit headers; 0 takes "
    "the whole quota",
    "number", &connector_config::quota_reserve_share};
  reserve.minimum = 0;
  reserve.maximum = 0.9;
  reserve.default_json = "0.1";
  fields.push_back(std::move(reserve));

  config_field checkpoint{
    "state_checkpoint_records", "Checkpoint every (records)",
    "A stream emits a STATE after at least this many records (and at least every 30 seconds "
    "while records arrive), so a cut sync resumes from there.",
    "a stream emits a STATE after at least this many records, and every 30 s while records "
    "arrive; a cut sync resumes from its last STATE",
    "integer", &connector_config::state_checkpoint_records};
  checkpoint.minimum = 1;
  checkpoint.maximum = 100000000;
  checkpoint.default_json = "10000";
  fields.push_back(std::move(checkpoint));
}

// How long the connector waits, and how often it tries again.
void add_patience_fields(std::vector<config_field>& fields) {
  config_field connect{"connect_timeout_seconds", "Connect timeout (seconds)",
                       "Time allowed to open a connection to Klarna.", "time to open a connection",
                       "number", &connector_config::connect_timeout_seconds};
  connect.minimum = 1;
  connect.maximum = 300;
  connect.default_json = "10";
  fields.push_back(std::move(connect));

  config_field request{"request_timeout_seconds", "Request timeout (seconds)",
                       "Time allowed for one whole request; a request past it is retried.",
                       "time for one whole request; past it the request is retried",
                       "number", &connector_config::request_timeout_seconds};
  request.minimum = 1;
  request.maximum = 3600;
  request.default_json = "120";
  fields.push_back(std::move(request));

  config_field low_speed{"low_speed_timeout_seconds", "Stalled transfer timeout (seconds)",
                         "A response arriving slower than 1 KiB/s for this long is aborted and "
                         "retried.",
                         "a response slower than 1 KiB/s for this long is aborted and retried (a "
                         "server that accepts and never answers costs this per try)",
                         "number", &connector_config::low_speed_timeout_seconds};
  low_speed.minimum = 1;
  low_speed.maximum = 3600;
  low_speed.default_json = "15";
  fields.push_back(std::move(low_speed));

  config_field attempts{"max_attempts", "Attempts per page",
                        "Tries of one page after server errors, timeouts, broken connections or "
                        "damaged bodies (429s wait for the rate budget instead and are not "
                        "counted). Each retry waits longer than the one before (the first after a "
                        "broken connection within 60 ms): with the default 6, a page rides out 10 "
                        "to 15 seconds of errors.",
                        "tries of one page after 5xx, 408, broken connections, timeouts, truncated "
                        "or malformed bodies (429s are waited out under the rate budget and not "
                        "counted); the retries wait longer and longer, so the default 6 rides out 10 to "
                        "15 seconds of errors",
                        "integer", &connector_config::max_attempts};
  attempts.minimum = 1;
  attempts.maximum = 20;
  attempts.default_json = "6";
  fields.push_back(std::move(attempts));

  config_field deadline{"page_deadline_seconds", "Deadline per page (seconds)",
                        "Time that the attempts of one page may take together before the sync "
                        "gives up on it.",
                        "time the tries of one page may take together; no retry starts past it",
                        "number", &connector_config::page_deadline_seconds};
  deadline.minimum = 1;
  deadline.maximum = 86400;
  deadline.default_json = "900";
  fields.push_back(std::move(deadline));

  config_field retry_wait{"max_retry_wait_seconds", "Longest server-requested wait (seconds)",
                          "When Klarna answers 429 or 503 with a Retry-After longer than this, the "
                          "stream ends as a transient error that quotes the server instead of "
                          "waiting. Waits over 5 seconds are logged as warnings.",
                          "the longest wait a server may ask for with Retry-After (on 429 or 503); "
                          "a longer one ends the stream as `transient_error` quoting the server "
                          "(600 is the cap of Airbyte's CDK)",
                          "number", &connector_config::max_retry_wait_seconds};
  retry_wait.minimum = 0;
  retry_wait.maximum = 86400;
  retry_wait.default_json = "600";
  fields.push_back(std::move(retry_wait));
}

// Whom to trust for TLS.
void add_trust_fields(std::vector<config_field>& fields) {
  config_field ca{"ca_certificate", "CA certificate (PEM)",
                  "Trust these CA certificates (PEM) instead of the system's to verify the API "
                  "host, e.g. the CA of a TLS-inspecting corporate proxy. SSL_CERT_FILE, "
                  "SSL_CERT_DIR and CURL_CA_BUNDLE are honoured too. Certificate and host name "
                  "verification are always on.",
                  "CA certificates that verify the API host instead of the system's trust store, "
                  "e.g. a TLS-inspecting corporate proxy's CA (below)",
                  "string", &connector_config::ca_certificate};
  ca.type_text = "PEM text";
  ca.multiline = true;
  ca.examples = {"-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"};
  fields.push_back(std::move(ca));
}

std::vector<config_field> make_fields() {
  std::vector<config_field> fields;
  add_account_fields(fields);
  add_budget_fields(fields);
  add_patience_fields(fields);
  add_trust_fields(fields);
  return fields;
}

std::string bounds_text(const config_field& field) {
  if (!field.minimum || !field.maximum)
    return "";
  char text[64];
  std::snprintf(text, sizeof text, " %g..%g", *field.minimum, *field.maximum);
  return text;
}

std::string default_column(const config_field& field) {
  if (field.required)
    return "required";
  if (*field.default_text != '\0')
    return field.default_text;
  if (*field.default_json == '\0')
    return "none";
  std::string value = field.default_json;
  return std::string(field.type) == "boolean" ? "`" + value + "`" : value;
}

} // namespace

const std::vector<config_field>& config_fields() {
  static const std::vector<config_field> fields = make_fields();
  return fields;
}

const config_field* find_config_field(const std::string& name) {
  for (const auto& field : config_fields())
    if (name == field.name)
      return &field;
  return nullptr;
}

std::string config_fields_markdown() {
  std::string table = "| field | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& field : config_fields()) {
    std::string type = *field.type_text != '\0' ? field.type_text
                                                : std::string(field.type) + bounds_text(field);
    table += "| `" + std::string(field.name) + "` | " + type + " | " + default_column(field)
             + " | " + field.meaning + " |\n";
  }
  return table;
}

} // namespace klarna::config
