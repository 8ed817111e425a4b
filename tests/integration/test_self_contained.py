"""The repository stands on its own: no build, test or script reads a path outside
it, and the protocol schema the tests validate against lives here and catches
messages that break the protocol."""

import os
import re
import subprocess
import unittest

import harness

ROOT = os.environ["REPO_ROOT"]

# A reference to something beside or above the checkout (a sibling "shared" or
# "reference" folder, the source dir's parent) or an absolute path into a workspace.
OUTSIDE = re.compile(r"\.\./(shared|reference)\b|\$\{CMAKE_SOURCE_DIR\}/\.\.|/work/")


def tracked_files():
    listed = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True)
    if listed.returncode == 0 and listed.stdout:
        return listed.stdout.split()
    files = []
    for directory, subdirectories, names in os.walk(ROOT):
        subdirectories[:] = [d for d in subdirectories if not d.startswith((".git", "build"))]
        files += [os.path.relpath(os.path.join(directory, n), ROOT) for n in names]
    return files


class NothingOutsideTheRepositoryTest(unittest.TestCase):
    def test_no_file_names_a_path_outside_the_repository(self):
        offenders = []
        for name in tracked_files():
            try:
                with open(os.path.join(ROOT, name), encoding="utf-8") as f:
                    text = f.read()
            except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if OUTSIDE.search(line) and name != "tests/integration/test_self_contained.py":
                    offenders.append(f"{name}:{number}: {line.strip()}")
        self.assertEqual(offenders, [], "paths outside the repository")

    def test_the_protocol_schema_is_inside_the_repository(self):
        schema = os.path.realpath(harness.PROTOCOL_SCHEMA)
        self.assertTrue(schema.startswith(os.path.realpath(ROOT) + os.sep), schema)
        self.assertTrue(os.path.isfile(schema))


class ProtocolSchemaTest(unittest.TestCase):
    VALID = [
        {"type": "RECORD", "record": {"stream": "payouts", "data": {"a": 1}, "emitted_at": 1}},
        {"type": "STATE", "state": {"type": "STREAM", "stream": {
            "stream_descriptor": {"name": "payouts"}, "stream_state": {}},
            "sourceStats": {"recordCount": 2.0}}},
        {"type": "LOG", "log": {"level": "WARN", "message": "m"}},
        {"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 1, "error": {
            "message": "m", "failure_type": "transient_error"}}},
        {"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 1, "stream_status": {
            "stream_descriptor": {"name": "payouts"}, "status": "RUNNING",
            "reasons": [{"type": "RATE_LIMITED", "rate_limited": {"quota_reset": 5}}]}}},
        {"type": "CONNECTION_STATUS", "connectionStatus": {"status": "FAILED", "message": "m"}},
        {"type": "CATALOG", "catalog": {"streams": [{"name": "payouts", "json_schema": {},
                                                      "supported_sync_modes": ["full_refresh"]}]}},
        {"type": "SPEC", "spec": {"connectionSpecification": {}}},
    ]
    INVALID = [
        {"type": "BANANA"},
        {"type": "RECORD"},  # the type's payload is missing
        {"type": "RECORD", "record": {"stream": "payouts", "data": [], "emitted_at": 1}},
        {"type": "RECORD", "record": {"stream": "payouts", "data": {}, "emitted_at": 1.5}},
        {"type": "LOG", "log": {"level": "NOTICE", "message": "m"}},
        {"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 1}},
        {"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 1, "error": {
            "message": "m", "failure_type": "fatal"}}},
        {"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 1, "stream_status": {
            "stream_descriptor": {"name": "p"}, "status": "DONE"}}},
        {"type": "STATE", "state": {"type": "STREAM"}},
        {"type": "CONNECTION_STATUS", "connectionStatus": {"status": "OK"}},
        {"type": "CATALOG", "catalog": {"streams": [{"name": "p", "json_schema": {},
                                                      "supported_sync_modes": []}]}},
    ]

    def test_valid_messages_pass(self):
        for message in self.VALID:
            with self.subTest(message=message):
                self.assertEqual(list(harness.VALIDATOR.iter_errors(message)), [])

    def test_messages_that_break_the_protocol_fail(self):
        for message in self.INVALID:
            with self.subTest(message=message):
                self.assertNotEqual(list(harness.VALIDATOR.iter_errors(message)), [])


if __name__ == "__main__":
    unittest.main()
