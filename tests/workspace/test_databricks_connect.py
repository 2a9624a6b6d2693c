"""The stand-in's cluster judged by `databricks-connect` itself (the package Databricks
users run, unmodified, in its own venv: clients/databricks_connect/probe.py): gRPC over
TLS through the front door with a personal access token and with databricks-sdk's own
OAuth machine-to-machine flow; every kind of value as Spark makes it; a table written
and read back; a refused token and an unknown cluster as gRPC errors."""
import json
import os
import subprocess
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "clients", "databricks_connect", "probe.py")


def probe(ws, **settings):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""),
           "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH": ws["ca_file"], "REQUESTS_CA_BUNDLE": ws["ca_file"],
           "PROBE_HOST": ws["url"], "PROBE_CLUSTER_ID": ws["cluster_id"],
           "PROBE_TABLE": f"dbconnect_{uuid.uuid4().hex[:8]}"}
    env.update({f"PROBE_{key.upper()}": value for key, value in settings.items()})
    result = subprocess.run([ws["databricks_connect_python"], PROBE], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


EXPECTED = {"d": "12345678901234567890.123456789", "decimal": True, "day": "2024-02-29",
            "ntz": "2024-01-02T03:04:05.123456", "naive": True, "bin": "00ff", "arr": [1, None, 3],
            "m": {"a": 1}, "st": [1, "é"], "nothing": None, "back": [[i, i * 10] for i in range(5)]}


def test_a_personal_access_token_session(ws):
    assert probe(ws, token=ws["pat"]) == EXPECTED


def test_the_sdks_own_oauth_m2m_session(ws):
    assert probe(ws, client_id=ws["oauth_m2m_client_id"], client_secret=ws["oauth_m2m_client_secret"]) == EXPECTED


def test_a_refused_token_and_an_unknown_cluster(ws):
    refused = probe(ws, token="dapi" + "0" * 32)
    assert "unknown personal access token" in refused["message"], refused
    unknown = probe(ws, token=ws["pat"], cluster_id="0101-000000-00000000")
    assert "No cluster with this id" in unknown["message"], unknown
