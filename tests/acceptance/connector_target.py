"""How the acceptance suite runs the connector: the built binary, or the container
image as Airbyte's platform runs it (ACCEPTANCE_TARGET=image): the input files in a
directory mounted read-only, the command and its file arguments as container
arguments, stdout read as the protocol stream."""

import json
import os
import subprocess
import tempfile

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IMAGE_SCRIPT = os.path.join(REPO_ROOT, "scripts", "image.sh")


class ConnectorTarget:
    """Runs `spec`, `check`, `discover` and `read` with input files given by content."""

    def __init__(self, kind=None):
        self.kind = kind or os.environ.get("ACCEPTANCE_TARGET", "binary")
        if self.kind not in ("binary", "image"):
            raise ValueError(f"ACCEPTANCE_TARGET must be binary or image, not {self.kind!r}")

    def run(self, command, timeout=600, **files):
        """Runs `command` with `--<name> FILE` for each of `files` (name -> JSON value);
        returns the CompletedProcess (text)."""
        with tempfile.TemporaryDirectory(prefix="klarna-acceptance-") as work:
            os.chmod(work, 0o755)  # the image's user (uid 1000) reads them
            inside = "/data" if self.kind == "image" else work
            arguments = [command]
            for name, value in files.items():
                path = os.path.join(work, name + ".json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(value, f)
                os.chmod(path, 0o644)
                arguments += ["--" + name, f"{inside}/{name}.json"]
            if self.kind == "image":
                prefix = [IMAGE_SCRIPT, "run", "-v", f"{work}:/data:ro", "--"]
            else:
                prefix = [os.environ["SOURCE_KLARNA"]]
            return subprocess.run(prefix + arguments, capture_output=True, text=True,
                                  timeout=timeout)
