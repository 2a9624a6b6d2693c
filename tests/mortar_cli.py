"""The `mortar` command, run against one data directory, for the tests."""
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def write_json(path, value):
    """Writes a definition (dataset, recipe, chart, ...) as JSON, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


def mortar_binary() -> str:
    binary = os.environ.get("MORTAR_BIN", str(REPO / "build" / "debug" / "mortar"))
    if not Path(binary).exists():
        pytest.fail(f"{binary} is missing: build it first (scripts/build debug)")
    return binary


class Mortar:
    """Runs the CLI against one data directory."""

    timeout = 600  # seconds per command

    def __init__(self, home: Path):
        self.home = home

    def command(self):
        """The command line's start, for a test that runs mortar in the background."""
        return [mortar_binary(), "--home", str(self.home)]

    def run(self, *args, check=True, cwd=None, env=None, input=None):
        result = subprocess.run([*self.command(), *args],
                                capture_output=True, text=True, cwd=cwd, timeout=self.timeout,
                                env=env, input=input)
        if check and result.returncode != 0:
            raise AssertionError(f"mortar {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def json_env(self, env, *args):
        return json.loads(self.run(*args, "--json", env=env).stdout)


class MortarServer:
    """`mortar serve` on a local port, started and waited for; its log goes to a file."""

    def __init__(self, home, port, log_path, save=False, transcript=None):
        self.transcript = transcript if transcript is not None else []  # every answer, for leak scans
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process = subprocess.Popen(
            [mortar_binary(), "--home", str(home), "serve", "--listen", f"127.0.0.1:{port}",
             "--base-url", self.url] + (["--save"] if save else []),
            stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError("mortar serve exited: " + open(log_path).read())
                time.sleep(0.2)
        raise AssertionError("mortar serve did not start: " + open(log_path).read())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)

    def api(self, method, path, body=None, key=None, opener=None, headers=None):
        request = urllib.request.Request(self.url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if key:
            request.add_header("Authorization", "Bearer " + key)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with (opener or urllib.request.build_opener()).open(request, timeout=120) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            text, status = error.read().decode(), error.code
        self.transcript.append(text)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text
