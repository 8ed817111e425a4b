"""spec, check and discover against klarna-sandbox."""

import json
import unittest

import jsonschema

from harness import ConnectorTestCase, SharedSandboxMixin


class CommandsTest(SharedSandboxMixin, ConnectorTestCase):
    SANDBOX_ARGS = ("--payouts", "60", "--transactions-per-payout", "50", "--unpaid-transactions", "100")

    def single(self, result, kind):
        self.assertEqual(result.returncode, 0, result.stderr)
        messages = [m for m in self.messages(result.stdout) if m["type"] != "LOG"]
        self.assertEqual([m["type"] for m in messages], [kind])
        return messages[0]

    def test_spec_describes_the_config(self):
        spec = self.single(self.run_connector("spec"), "SPEC")["spec"]["connectionSpecification"]
        jsonschema.Draft7Validator.check_schema(spec)
        self.assertEqual(spec["required"], ["region", "password"])
        props = spec["properties"]
        self.assertTrue(props["password"]["airbyte_secret"])
        self.assertEqual(props["playground"]["default"], False)
        self.assertEqual(props["page_size"]["maximum"], 500)
        self.assertEqual(sorted(p["order"] for p in props.values()), list(range(len(props))))
        for name, prop in props.items():
            self.assertTrue(prop.get("title") and prop.get("description"), name)
        # A valid config passes the spec's own schema, a bad one does not.
        jsonschema.validate(self.config("https://api.klarna.com/"), spec)
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate({"region": "mars", "username": "u", "password": "p"}, spec)

    def test_discover_schemas_accept_every_record_the_api_sends(self):
        result = self.run_connector("discover", "--config", self.write("c.json", self.config(self.sandbox.url)))
        catalog = self.single(result, "CATALOG")["catalog"]
        streams = {s["name"]: s for s in catalog["streams"]}
        self.assertEqual(set(streams), {"payouts", "transactions", "payout_summaries"})
        self.assertEqual(streams["payouts"]["source_defined_primary_key"], [["payment_reference"]])
        self.assertNotIn("source_defined_primary_key", streams["transactions"])
        self.assertEqual(streams["payouts"]["supported_sync_modes"], ["full_refresh", "incremental"])
        self.assertEqual(streams["transactions"]["supported_sync_modes"], ["full_refresh", "incremental"])
        self.assertEqual(streams["payout_summaries"]["source_defined_primary_key"],
                         [["summary_settlement_currency"], ["summary_payout_date_start"]])
        summaries = self.read(self.config(self.sandbox.url, start_date="2021-12-01"),
                              self.catalog("payout_summaries"))
        records = {name: self.sandbox.truth(name) for name in ("payouts", "transactions")}
        records["payout_summaries"] = [m["record"]["data"] for m in self.messages(summaries.stdout)
                                       if m["type"] == "RECORD"]
        self.assertGreater(len(records["payout_summaries"]), 0)
        for name, stream in streams.items():
            validator = jsonschema.Draft7Validator(stream["json_schema"])
            for record in records[name]:
                errors = list(validator.iter_errors(record))
                self.assertEqual(errors, [], f"{name} record does not fit its schema: {record}")

    def test_check_succeeds_with_good_credentials(self):
        status = self.single(self.run_connector("check", "--config", self.write(
            "c.json", self.config(self.sandbox.url))), "CONNECTION_STATUS")
        self.assertEqual(status["connectionStatus"]["status"], "SUCCEEDED")

    def test_check_fails_clearly_with_a_wrong_password(self):
        config = self.config(self.sandbox.url, password="not-the-password")
        status = self.single(self.run_connector("check", "--config", self.write("c.json", config)),
                             "CONNECTION_STATUS")["connectionStatus"]
        self.assertEqual(status["status"], "FAILED")
        self.assertIn("username or password", status["message"])
        self.assertIn("correlation_id", status["message"])
        self.assertNotIn("not-the-password", status["message"])

    def test_check_names_an_unreachable_or_unknown_host(self):
        refused = self.single(self.run_connector("check", "--config", self.write(
            "c.json", self.config("http://127.0.0.1:9/"))), "CONNECTION_STATUS")["connectionStatus"]
        self.assertEqual(refused["status"], "FAILED")
        self.assertIn("could not connect", refused["message"])
        unknown = self.single(self.run_connector("check", "--config", self.write(
            "c.json", self.config("https://no-such-host.invalid/"))), "CONNECTION_STATUS")["connectionStatus"]
        self.assertEqual(unknown["status"], "FAILED")
        self.assertIn("unknown host", unknown["message"])


if __name__ == "__main__":
    unittest.main()
