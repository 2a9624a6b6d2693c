"""Fixtures for the integration tests against the local Databricks stand-in
(`scripts/workspace`): the workspace is brought up when it is not running, unless
MORTAR_WORKSPACE_NO_START=1 (a stand-in owned by another checkout, found through
MORTAR_WORKSPACE_STATE, must not be started or restarted from here)."""
import json
import os
import subprocess
import sys
import uuid

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "scripts", "workspace")


class Settings(dict):
    """The stand-in's settings; they hold secrets, so a failed assertion must not print them."""

    def __repr__(self):
        return "<workspace settings>"


@pytest.fixture(scope="session")
def ws():
    if subprocess.run([sys.executable, SCRIPT, "status"], stdout=subprocess.DEVNULL).returncode != 0:
        if os.environ.get("MORTAR_WORKSPACE_NO_START") == "1":
            pytest.fail("the stand-in is not running and MORTAR_WORKSPACE_NO_START=1")
        subprocess.run([sys.executable, SCRIPT, "up"], check=True)
    env = subprocess.run([sys.executable, SCRIPT, "env", "--json"], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    return Settings(json.loads(env))


def _add_databricks(mortar, ws, name="dbx", token=None, **overrides):
    """Adds a Databricks connection whose personal access token is in a 0600 file."""
    token_file = mortar.home / f"{name}.token"
    token_file.write_text(token if token is not None else ws["pat"])
    os.chmod(token_file, 0o600)
    params = {"host": ws["host"], "port": ws["port"], "http_path": ws["http_path"],
              "ca_file": ws["ca_file"], "auth.token_file": str(token_file)}
    params.update(overrides)
    args = ["connection", "add", name, "--type", "databricks", "--replace"]
    for key, value in params.items():
        if value is not None:
            args += ["--param", f"{key}={value}"]
    mortar.run(*args)


@pytest.fixture
def add_databricks():
    return _add_databricks


@pytest.fixture
def dbx(mortar, ws):
    """A data directory with a project and a working Databricks connection 'dbx'."""
    mortar.run("init")
    mortar.run("project", "create", "p")
    _add_databricks(mortar, ws)
    return mortar


@pytest.fixture
def table():
    """A table name no other test uses."""
    return "it_" + uuid.uuid4().hex[:10]
