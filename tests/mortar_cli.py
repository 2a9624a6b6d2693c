"""The `mortar` command, run against one data directory, for the tests."""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def mortar_binary() -> str:
    binary = os.environ.get("MORTAR_BIN", str(REPO / "build" / "debug" / "mortar"))
    if not Path(binary).exists():
        pytest.fail(f"{binary} is missing: build it first (scripts/build debug)")
    return binary


class Mortar:
    """Runs the CLI against one data directory."""

    def __init__(self, home: Path):
        self.home = home

    def run(self, *args, check=True, cwd=None, env=None, input=None):
        result = subprocess.run([mortar_binary(), "--home", str(self.home), *args],
                                capture_output=True, text=True, cwd=cwd, timeout=600,
                                env=env, input=input)
        if check and result.returncode != 0:
            raise AssertionError(f"mortar {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def json_env(self, env, *args):
        return json.loads(self.run(*args, "--json", env=env).stdout)
