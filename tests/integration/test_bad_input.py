"""Every kind of bad input gets a clear error naming the field or file, a non-zero
exit (FAILED for check), and never the password."""

import os
import unittest

from harness import PASSWORD, ConnectorTestCase, errors_of


class BadInputTest(ConnectorTestCase):
    URL = "http://127.0.0.1:9/"  # never contacted: input is checked first

    def assert_config_error(self, result, *expected):
        self.assertNotEqual(result.returncode, 0, result.stdout)
        errors = errors_of(self.messages(result.stdout))
        self.assertEqual(len(errors), 1, result.stdout)
        self.assertEqual(errors[0]["failure_type"], "config_error")
        for text in expected:
            self.assertIn(text, errors[0]["message"])
            self.assertIn(text, result.stderr)

    def read_with(self, config, catalog=None, *extra):
        catalog = catalog if catalog is not None else self.catalog("payouts")
        return self.run_connector("read", "--config", config, "--catalog",
                                  self.write("catalog.json", catalog), *extra)

    def config_file(self, **fields):
        return self.write("config.json", self.config(self.URL, **fields))

    def test_config_file_problems_name_the_file(self):
        missing = os.path.join(self.tmp.name, "missing.json")
        self.assert_config_error(self.read_with(missing), "cannot read config file", "missing.json")
        self.assert_config_error(self.read_with(self.tmp.name), "config file")
        self.assert_config_error(self.read_with(self.write("bad.json", '{"region": "eu",')),
                                 "bad.json", "is not valid JSON", "line 1")
        self.assert_config_error(self.read_with(self.write("empty.json", "")), "empty")
        self.assert_config_error(self.read_with(self.write("arr.json", "[]")), "must be a JSON object")

    def test_config_field_problems_name_the_field(self):
        cases = [
            ({"region": None}, "'region' is required"),
            ({"username": "K1:x"}, "'username' must not contain ':'"),
            ({"password": None}, "'password' is required"),
            ({"playground": "yes"}, "'playground' must be true or false"),
            ({"region": "mars"}, "'region' must be one of"),
            ({"start_date": "01/02/2024"}, "'start_date' must be an ISO-8601 date"),
            ({"page_size": 1000}, "'page_size' must be an integer from 2 to 500, got 1000"),
            ({"page_size": "big"}, "'page_size' must be an integer"),
            ({"requests_per_second": -1}, "'requests_per_second' must be a number from 0.001 to 10000, got -1"),
            ({"base_url": "http://example.com/"}, "plain http"),
            ({"base_url": "not a url"}, "'base_url' must be an absolute URL"),
            ({"password": 42}, "'password' must be a string"),
        ]
        for fields, expected in cases:
            with self.subTest(fields=fields):
                self.assert_config_error(self.read_with(self.config_file(**fields)), expected, "config.json")

    def test_check_reports_bad_config_as_failed(self):
        result = self.run_connector("check", "--config", self.config_file(region="mars"))
        self.assertEqual(result.returncode, 0)
        statuses = [m for m in self.messages(result.stdout) if m["type"] == "CONNECTION_STATUS"]
        self.assertEqual(len(statuses), 1)
        self.assertEqual(statuses[0]["connectionStatus"]["status"], "FAILED")
        self.assertIn("'region' must be one of", statuses[0]["connectionStatus"]["message"])

    def test_discover_reports_bad_config(self):
        self.assert_config_error(self.run_connector("discover", "--config", self.config_file(playground="yes")),
                                 "'playground'")

    def test_catalog_problems(self):
        config = self.config_file()
        self.assert_config_error(self.read_with(config, {"streams": []}), "selects no streams")
        self.assert_config_error(self.read_with(config, self.catalog("refunds")), "unknown stream 'refunds'")
        self.assert_config_error(self.read_with(config, "{not json"), "catalog file", "not valid JSON")
        self.assert_config_error(
            self.run_connector("read", "--config", config, "--catalog", "/nonexistent/catalog.json"),
            "cannot read catalog file")

    def test_corrupt_state(self):
        config = self.config_file()
        self.assert_config_error(self.read_with(config, None, "--state", self.write("s.json", "[1, 2")),
                                 "state file", "not valid JSON")
        self.assert_config_error(self.read_with(config, None, "--state", self.write("s.json", '[{"type": "X"}]')),
                                 "state[0].type")

    def test_inputs_beyond_the_size_and_depth_limits(self):
        config = self.config_file()
        huge = self.write("huge.json", '{"streams": [' + " " * (16 * 1024 * 1024) + "]}")
        self.assert_config_error(self.read_with(huge), "config file", "huge.json",
                                 "larger than 16777216 bytes")
        self.assert_config_error(
            self.run_connector("read", "--config", config, "--catalog", huge),
            "catalog file", "larger than 16777216 bytes")
        deep = self.write("deep.json", "[" * 100 + "]" * 100)
        self.assert_config_error(self.read_with(config, None, "--state", deep),
                                 "state file", "not valid JSON", "too deep")

    def test_unknown_command_or_flag(self):
        for args in (["sync-everything"], ["read", "--config"], ["spec", "--verbose"], []):
            with self.subTest(args=args):
                result = self.run_connector(*args)
                self.assertNotEqual(result.returncode, 0)
                self.assertEqual(result.stdout, "")
                self.assertTrue(result.stderr.strip())

    def test_password_never_in_output_of_any_failure(self):
        # run_connector asserts on every call that PASSWORD is absent; here also an
        # unknown field next to the password and a password in the wrong type.
        result = self.read_with(self.config_file(region="mars", extra_field=PASSWORD))
        self.assertNotEqual(result.returncode, 0)


if __name__ == "__main__":
    unittest.main()
