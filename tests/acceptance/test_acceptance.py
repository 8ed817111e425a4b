"""Airbyte's Connector Acceptance Tests, the checks that need no Docker registry, in
this repository's words: spec, connection, discovery, basic read, full refresh and
incremental reads, against the binary or (ACCEPTANCE_TARGET=image) the container
image, with klarna-sandbox standing in for Klarna."""

import json
import os
import sys
import unittest

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from harness import (PASSWORD, USERNAME, ConnectorTestCase, Sandbox, errors_of,  # noqa: E402
                     last_states, states_of, statuses_of)
from connector_target import ConnectorTarget  # noqa: E402

# Extreme values on: every record, 2^53 + 1 and empty strings included, must fit.
SANDBOX_ARGS = ("--payouts", "24", "--transactions-per-payout", "40", "--unpaid-transactions", "30",
                "--extreme-values")
SYNC_MODES = {"full_refresh", "incremental"}
JSON_TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}
SECRET_WORDS = ("password", "secret", "token", "api_key", "apikey", "private_key")


def schema_paths(schema, prefix=()):
    """Every property path of an object schema, nested objects included."""
    for name, prop in schema.get("properties", {}).items():
        yield prefix + (name,)
        if "object" in types_of(prop):
            yield from schema_paths(prop, prefix + (name,))


def types_of(prop):
    kind = prop.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def value_at(record, path):
    for part in path:
        if not isinstance(record, dict) or part not in record:
            return None
        record = record[part]
    return record


class AcceptanceTest(ConnectorTestCase):
    @classmethod
    def setUpClass(cls):
        cls.target = ConnectorTarget()
        cls.sandbox = Sandbox(*SANDBOX_ARGS)
        cls.config = {"region": "eu", "username": USERNAME, "password": PASSWORD,
                      "base_url": cls.sandbox.url, "start_date": "2021-12-01",
                      "lookback_window_days": 0, "state_checkpoint_records": 100}
        cls.catalog = cls.discovered_catalog()

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.stop()
        cls.sandbox.dir.cleanup()

    @classmethod
    def discovered_catalog(cls):
        result = cls.target.run("discover", config=cls.config)
        lines = [json.loads(l) for l in result.stdout.splitlines()]
        return next(m["catalog"] for m in lines if m["type"] == "CATALOG")

    def configured(self, mode, streams=None):
        """The discovered streams (all, or `streams`), configured in `mode` where supported."""
        return {"streams": [{"stream": s, "sync_mode": mode if mode in s["supported_sync_modes"]
                             else "full_refresh", "destination_sync_mode": "append"}
                            for s in self.catalog["streams"] if streams is None or s["name"] in streams]}

    def run_connector(self, command, **files):
        """The run of `command` on the target and its messages, each validated."""
        result = self.target.run(command, **files)
        self.assert_no_secret(result)
        return result, self.messages(result.stdout)

    def only(self, messages, kind):
        found = [m for m in messages if m["type"] == kind]
        self.assertEqual(len(found), 1, f"exactly one {kind} message")
        return found[0]

    def read(self, catalog, state=None):
        files = {"config": self.config, "catalog": catalog}
        if state is not None:
            files["state"] = state
        result, messages = self.run_connector("read", **files)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        return messages

    @staticmethod
    def records(messages, stream=None):
        return [m["record"] for m in messages
                if m["type"] == "RECORD" and (stream is None or m["record"]["stream"] == stream)]

    # --- spec ------------------------------------------------------------------

    def spec(self):
        result, messages = self.run_connector("spec")
        self.assertEqual(result.returncode, 0)
        return self.only(messages, "SPEC")["spec"]

    def test_spec_is_one_valid_draft7_schema_with_documentation(self):
        spec = self.spec()
        jsonschema.Draft7Validator.check_schema(spec["connectionSpecification"])
        self.assertTrue(spec["documentationUrl"].startswith("https://"))
        jsonschema.validate(self.config, spec["connectionSpecification"])

    def test_spec_marks_every_secret(self):
        for path in schema_paths(self.spec()["connectionSpecification"]):
            prop = self.property_at(path)
            if any(word in path[-1].lower() for word in SECRET_WORDS):
                self.assertTrue(prop.get("airbyte_secret"), f"{path} must be airbyte_secret")

    def property_at(self, path):
        prop = self.spec()["connectionSpecification"]
        for part in path:
            prop = prop["properties"][part]
        return prop

    def test_spec_has_no_forbidden_types_and_required_fields_exist(self):
        spec = self.spec()["connectionSpecification"]
        self.assertTrue(set(spec["required"]) <= set(spec["properties"]))
        for path in schema_paths(spec):
            prop = self.property_at(path)
            self.assertIsInstance(prop.get("type"), str, f"{path}: one type, not a list")
            self.assertIn(prop["type"], JSON_TYPES - {"null"}, path)
            if prop["type"] == "object":
                self.assertTrue(prop.get("properties") or prop.get("oneOf"), f"{path}: empty object")
            if prop["type"] == "array":
                self.assertIn("items", prop, path)

    def test_spec_dates_have_a_pattern_and_a_format(self):
        dates = [path for path in schema_paths(self.spec()["connectionSpecification"])
                 if "date" in path[-1] and self.property_at(path)["type"] == "string"]
        self.assertTrue(dates)
        for path in dates:
            prop = self.property_at(path)
            self.assertIn("pattern", prop, path)
            self.assertIn(prop.get("format"), ("date", "date-time"), path)

    def test_spec_orders_are_unique(self):
        spec = self.spec()["connectionSpecification"]
        orders = [p["order"] for p in spec["properties"].values() if "order" in p]
        self.assertEqual(len(orders), len(set(orders)))

    # --- connection --------------------------------------------------------------

    def test_check_succeeds_once_with_the_config(self):
        result, messages = self.run_connector("check", config=self.config)
        self.assertEqual(result.returncode, 0)
        status = self.only(messages, "CONNECTION_STATUS")["connectionStatus"]
        self.assertEqual(status["status"], "SUCCEEDED")

    def test_check_fails_once_with_bad_credentials(self):
        result, messages = self.run_connector("check", config={**self.config, "password": "wrong"})
        self.assertEqual(result.returncode, 0)
        status = self.only(messages, "CONNECTION_STATUS")["connectionStatus"]
        self.assertEqual(status["status"], "FAILED")
        self.assertTrue(status["message"])

    # --- discovery ---------------------------------------------------------------

    def test_discover_gives_one_catalog_of_unique_valid_streams(self):
        result, messages = self.run_connector("discover", config=self.config)
        self.assertEqual(result.returncode, 0)
        streams = self.only(messages, "CATALOG")["catalog"]["streams"]
        names = [s["name"] for s in streams]
        self.assertEqual(len(names), len(set(names)))
        for stream in streams:
            schema = stream["json_schema"]
            jsonschema.Draft7Validator.check_schema(schema)
            self.assertIn(schema.get("additionalProperties", True), (True,), stream["name"])
            modes = stream["supported_sync_modes"]
            self.assertTrue(modes and set(modes) <= SYNC_MODES, stream["name"])
            paths = set(schema_paths(schema))
            for key in stream.get("source_defined_primary_key", []):
                self.assertIn(tuple(key), paths, f"{stream['name']}: primary key {key}")
            if "incremental" in modes:
                self.assertTrue(stream.get("source_defined_cursor"), stream["name"])
            if stream.get("source_defined_cursor"):
                self.assertIn(tuple(stream["default_cursor_field"]), paths,
                              f"{stream['name']}: cursor {stream['default_cursor_field']}")
            for path in paths:
                prop = schema
                for part in path:
                    prop = prop["properties"][part]
                self.assertTrue(set(types_of(prop)) <= JSON_TYPES, f"{stream['name']} {path}")
                self.assertTrue(prop.get("description"), f"{stream['name']} {path}: no description")
                if "integer" in types_of(prop) and path[-1].endswith("_amount") or path == ("amount",):
                    self.assertIn("minor units", prop["description"], f"{stream['name']} {path}")

    def test_a_value_klarna_adds_tomorrow_still_fits_the_schema(self):
        result, messages = self.run_connector("discover", config=self.config)
        streams = {s["name"]: s for s in self.only(messages, "CATALOG")["catalog"]["streams"]}
        schema = streams["transactions"]["json_schema"]
        validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
        record = dict(self.sandbox.truth("transactions")[0])
        self.assertEqual(list(validator.iter_errors(record)), [])
        for field, known in (("type", "SALE"), ("detailed_type", "CASH_ADVANCE_PAYOUT")):
            self.assertIn(known, schema["properties"][field]["description"], field)
            record[field] = "A_VALUE_KLARNA_ADDS_TOMORROW"
        self.assertEqual(list(validator.iter_errors(record)), [])
        payouts = streams["payouts"]["json_schema"]
        payout = dict(self.sandbox.truth("payouts")[0], merchant_settlement_type="NEW_KIND")
        self.assertEqual(list(jsonschema.Draft7Validator(payouts).iter_errors(payout)), [])

    # --- basic read ----------------------------------------------------------------

    def test_basic_read_records_fit_the_schemas_and_equal_the_truth(self):
        messages = self.read(self.configured("full_refresh"))
        schemas = {s["name"]: s["json_schema"] for s in self.catalog["streams"]}
        for stream, schema in schemas.items():
            records = [r["data"] for r in self.records(messages, stream)]
            self.assertTrue(records, f"{stream} is empty")
            validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
            for record in records:
                self.assertEqual(list(validator.iter_errors(record)), [], f"{stream}: {record}")
            for path in schema_paths(schema):
                self.assertTrue(any(value_at(r, path) is not None for r in records),
                                f"{stream}: field {'.'.join(path)} never seen")
            if stream != "payout_summaries":  # computed by the sandbox, checked by the integration tests
                self.assertEqual(records, self.sandbox.truth(stream), stream)

    def test_basic_read_statuses_and_states_per_stream(self):
        messages = self.read(self.configured("full_refresh"))
        for stream in (s["name"] for s in self.catalog["streams"]):
            self.assertEqual(statuses_of(messages, stream), ["STARTED", "RUNNING", "COMPLETE"], stream)
            states = states_of(messages, stream)
            self.assertTrue(states, f"{stream}: no STATE")
            self.assertEqual(sum(s["sourceStats"]["recordCount"] for s in states),
                             len(self.records(messages, stream)), stream)

    def test_an_invalid_catalog_is_a_trace_error(self):
        catalog = {"streams": [{"stream": {"name": "no_such_stream", "json_schema": {},
                                           "supported_sync_modes": ["full_refresh"]},
                                "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}
        result, messages = self.run_connector("read", config=self.config, catalog=catalog)
        self.assertNotEqual(result.returncode, 0)
        errors = errors_of(messages)
        self.assertEqual(len(errors), 1)
        self.assertIn("no_such_stream", errors[0]["message"])
        self.assertEqual(self.records(messages), [])

    # --- full refresh ----------------------------------------------------------------

    def test_full_refresh_two_sequential_reads_give_the_same_records_later(self):
        first = self.read(self.configured("full_refresh"))
        second = self.read(self.configured("full_refresh"))
        # Streams run in parallel, so they interleave differently: compared stream by stream.
        for stream in (s["name"] for s in self.catalog["streams"]):
            self.assertEqual([r["data"] for r in self.records(second, stream)],
                             [r["data"] for r in self.records(first, stream)], stream)
        self.assertGreater(min(r["emitted_at"] for r in self.records(second)),
                           max(r["emitted_at"] for r in self.records(first)))

    # --- incremental -----------------------------------------------------------------

    def test_incremental_second_read_from_the_state_emits_nothing_already_read(self):
        catalog = self.configured("incremental", ["payouts", "transactions"])
        first = self.read(catalog)
        second = self.read(catalog, last_states(first))
        cursor = next(s["stream"]["stream_state"]["payout_date"] for s in last_states(first)
                      if s["stream"]["stream_descriptor"]["name"] == "payouts")
        # Payouts: none before the state's cursor (lookback 0); transactions: none again.
        self.assertTrue(all(r["data"]["payout_date"] >= cursor
                            for r in self.records(second, "payouts")))
        self.assertEqual(self.records(second, "transactions"), [])

    def test_incremental_sequential_slices_join_to_one_read(self):
        catalog = self.configured("incremental", ["payouts", "transactions"])
        whole = self.read(catalog)
        data = lambda records: [(r["stream"], r["data"]) for r in records]  # noqa: E731
        positions = [i for i, m in enumerate(whole) if m["type"] == "STATE"]
        self.assertGreater(len(positions), 3)
        for position in (positions[0], positions[len(positions) // 2], positions[-2]):
            before = whole[:position + 1]
            states = last_states(before)
            after = self.read(catalog, states)
            # Streams slice independently: per stream, records before its last state and
            # those after it are that stream's records of one read.
            for stream in ("payouts", "transactions"):
                if not any(s["stream"]["stream_descriptor"]["name"] == stream for s in states):
                    continue
                joined = data(self.records(before, stream)) + data(self.records(after, stream))
                unique = list(dict.fromkeys(json.dumps(d, sort_keys=True) for d in joined))
                self.assertEqual(unique, [json.dumps(d, sort_keys=True)
                                          for d in data(self.records(whole, stream))], stream)

    def test_incremental_future_state_reads_nothing(self):
        catalog = self.configured("incremental", ["payouts", "transactions"])
        future = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": name},
                                                "stream_state": {"payout_date": "2999-12-31T00:00:00Z"}}}
                  for name in ("payouts", "transactions")]
        messages = self.read(catalog, future)
        self.assertEqual(self.records(messages), [])
        self.assertEqual(len(last_states(messages)), 2)


if __name__ == "__main__":
    unittest.main()
