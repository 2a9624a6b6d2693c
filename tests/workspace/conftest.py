"""Fixtures for the smoke tests of the local Databricks stand-in.

`pytest tests/workspace` brings the workspace up when it is not running
(`scripts/workspace up`) and reads every setting from `scripts/workspace env
--json`. The tests need the workspace venv's packages (PyHive, boto3, ...):
run from another Python, this file re-runs pytest with the venv's Python.
"""
import base64
import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from mortar_cli import REPO  # tests/ is on the path: tests/conftest.py is loaded first

SCRIPT = os.path.join(REPO, "scripts", "workspace")


def _workspace(*args, check=True):
    return subprocess.run([sys.executable, SCRIPT, *args], check=check, text=True,
                          stdout=subprocess.PIPE)


def _ensure_up():
    if _workspace("status", check=False).returncode != 0:
        subprocess.run([sys.executable, SCRIPT, "up"], check=True)


try:
    import boto3  # noqa: F401
    import pyhive  # noqa: F401
    _IN_VENV = True
except ImportError:
    if os.environ.get("MORTAR_WS_REEXEC"):
        raise
    _IN_VENV = False


HERE = os.path.dirname(os.path.abspath(__file__))


def _only_this_directory(config):
    paths = [a.split("::")[0] for a in config.args if not a.startswith("-")]
    return bool(paths) and all(
        os.path.abspath(p) == HERE or os.path.abspath(p).startswith(HERE + os.sep) for p in paths)


def pytest_configure(config):
    if _IN_VENV or not _only_this_directory(config):
        return
    # `pytest tests/workspace` outside the workspace venv: bring the workspace up
    # (which makes the venv) and run the same command again with the venv's Python.
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        capture.suspend_global_capture(in_=True)
    _ensure_up()
    venv_python = json.loads(_workspace("env", "--json").stdout)["python"]
    os.environ["MORTAR_WS_REEXEC"] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(venv_python, [venv_python, "-m", "pytest", *sys.argv[1:]])


@pytest.fixture(scope="session")
def ws():
    _ensure_up()
    return json.loads(_workspace("env", "--json").stdout)


@pytest.fixture(scope="session")
def tls(ws):
    return ssl.create_default_context(cafile=ws["ca_file"])


def http_json(url, context, data=None, headers=None, auth=None):
    """POSTs a form (or GETs) and returns (status, parsed JSON body)."""
    headers = dict(headers or {})
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(
            f"{urllib.parse.quote(auth[0])}:{urllib.parse.quote(auth[1])}".encode()).decode()
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


@pytest.fixture(scope="session")
def client_credentials_token(ws, tls):
    def get(client_id=None, client_secret=None):
        status, body = http_json(ws["oauth_token_url"], tls,
                                 data={"grant_type": "client_credentials", "scope": "sql"},
                                 auth=(client_id or ws["oauth_m2m_client_id"],
                                       client_secret or ws["oauth_m2m_client_secret"]))
        assert status == 200, body
        return body
    return get


class ThriftEndpoint:
    """PyHive over Thrift/HTTP through the front door, as a Databricks client would."""

    def __init__(self, ws, context):
        self.ws = ws
        self.context = context

    def transport(self, authorization, http_path=None):
        from thrift.transport import THttpClient
        url = f"https://{self.ws['host']}:{self.ws['port']}{http_path or self.ws['http_path']}"
        transport = THttpClient.THttpClient(url, ssl_context=self.context)
        transport.setCustomHeaders({"Authorization": authorization})
        return transport

    def connect(self, authorization, http_path=None):
        from pyhive import hive
        transport = self.transport(authorization, http_path)
        return hive.connect(thrift_transport=transport), transport

    def query(self, authorization, sql, http_path=None):
        connection, _ = self.connect(authorization, http_path)
        try:
            cursor = connection.cursor()
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def refused_status(self, authorization, http_path=None):
        """The HTTP status of a refused OpenSession (the body is not Thrift then)."""
        transport = self.transport(authorization, http_path)
        try:
            self.connect_with(transport)
        except Exception:
            return transport.code
        return None

    @staticmethod
    def connect_with(transport):
        from pyhive import hive
        hive.connect(thrift_transport=transport).close()


@pytest.fixture(scope="session")
def thrift(ws, tls):
    return ThriftEndpoint(ws, tls)


def bearer(token):
    return f"Bearer {token}"


def pytest_collection_modifyitems(config, items):
    # A wider pytest run outside the venv: say how to run these instead of failing.
    if _IN_VENV:
        return
    skip = pytest.mark.skip(reason="needs the workspace venv: run `pytest tests/workspace` on its own")
    for item in items:
        if str(item.fspath).startswith(HERE + os.sep):
            item.add_marker(skip)
