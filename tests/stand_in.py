"""The local Databricks stand-in (`scripts/workspace`) for the integration and fault tests:
its settings, with the parts the selected tests need (their `services` markers) brought
up when they are not running, unless MORTAR_WORKSPACE_NO_START=1 (a stand-in owned by
another checkout, found through MORTAR_WORKSPACE_STATE, must not be started or restarted
from here), a Databricks connection to it, and, for the fault tests, a part killed and
started again. A test directory's conftest.py imports the fixtures."""
import json
import os
import signal
import subprocess
import sys
import uuid

import pytest

from mortar_cli import REPO

SCRIPT = str(REPO / "scripts" / "workspace")


class Settings(dict):
    """The stand-in's settings; they hold secrets, so a failed assertion must not print them."""

    def __repr__(self):
        return "<workspace settings>"


def workspace(*args, check=True, **kwargs):
    """Runs scripts/workspace with these arguments."""
    return subprocess.run([sys.executable, SCRIPT, *args], check=check, **kwargs)


def kill_part(part):
    """Kills a part of the stand-in, its whole process group at once, as a crash would."""
    status = json.loads(workspace("status", "--json", check=False, text=True, stdout=subprocess.PIPE).stdout)
    os.killpg(os.getpgid(status[part]["pid"]), signal.SIGKILL)


def start_again(part):
    """Starts a killed part of the stand-in again; returns once it is ready."""
    workspace("up", "--only", part, stdout=subprocess.DEVNULL)


def needed_parts(session):
    """The `--only` argument for the parts the selected tests that use the stand-in name
    in their `services` markers; [] (every part) when one of them has no marker."""
    parts = set()
    for item in session.items:
        if "ws" not in item.fixturenames:
            continue
        marker = item.get_closest_marker("services")
        if marker is None or not marker.args:
            return []
        parts.update(marker.args)
    return ["--only", ",".join(sorted(parts))] if parts else []


@pytest.fixture(scope="session")
def ws(request):
    only = needed_parts(request.session)
    if workspace("status", *only, check=False, stdout=subprocess.DEVNULL).returncode != 0:
        if os.environ.get("MORTAR_WORKSPACE_NO_START") == "1":
            pytest.fail("the stand-in is not running and MORTAR_WORKSPACE_NO_START=1")
        workspace("up", *only)
    env = workspace("env", "--json", text=True, stdout=subprocess.PIPE).stdout
    return Settings(json.loads(env))


def add_databricks_connection(mortar, ws, name="dbx", token=None, **overrides):
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


def oidc_log(ws):
    """What the stand-in's OAuth provider logged (never a token or secret)."""
    with open(os.path.join(ws["log_dir"], "oidc.log")) as f:
        return f.read()


def token_requests(ws, client_id, grant_type):
    """How many tokens the OAuth provider has issued to the client with this grant."""
    return oidc_log(ws).count(f"token issued grant_type={grant_type} client_id={client_id}\n")


@pytest.fixture
def add_databricks():
    return add_databricks_connection


@pytest.fixture
def dbx(mortar, ws):
    """A data directory with a project and a working Databricks connection 'dbx'."""
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks_connection(mortar, ws)
    return mortar


@pytest.fixture
def table():
    """A table name no other test uses."""
    return "it_" + uuid.uuid4().hex[:10]
