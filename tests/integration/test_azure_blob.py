"""Azure Blob connections against the stand-in's Azurite, which checks signatures: the
account key and a SAS token work; a wrong key, a tampered or expired SAS and a missing
container fail with errors that say what to fix, and never show the secret. The client
itself is tested in test_cloud_clients.py."""
import subprocess

import pytest

from azure_container import WRONG_KEY, Hidden, add_azure

pytestmark = pytest.mark.services("azurite")


@pytest.fixture
def home(mortar):
    mortar.run("init")
    return mortar


def test_the_account_key_works(home, ws):
    add_azure(home, ws, account_key=Hidden(ws["azure_key"]))
    report = home.run("connection", "test", "azstage")
    assert "account key" in report.stdout and ws["azure_container"] in report.stdout
    assert ws["azure_key"] not in report.stdout + report.stderr


def test_a_sas_token_works_and_its_expiry_is_shown(home, ws):
    add_azure(home, ws, sas_token=Hidden("?" + ws["azure_sas"]))  # as the portal copies it
    report = home.run("connection", "test", "azstage")
    assert "SAS token" in report.stdout and "2036-" in report.stdout


def test_a_wrong_key_is_refused_clearly(home, ws):
    add_azure(home, ws, account_key=WRONG_KEY)
    result = home.run("connection", "test", "azstage", check=False)
    assert result.returncode == 4, result.stderr
    assert "HTTP 403" in result.stderr and "check the account name and the account key" in result.stderr
    assert WRONG_KEY not in result.stdout + result.stderr


def test_a_tampered_sas_is_refused_clearly(home, ws):
    sas = ws["azure_sas"].replace("sig=", "sig=AAAA")
    add_azure(home, ws, sas_token=Hidden(sas))
    result = home.run("connection", "test", "azstage", check=False)
    assert result.returncode == 4, result.stderr
    assert "HTTP 403" in result.stderr and "check the SAS token" in result.stderr
    assert "sig=" not in result.stdout + result.stderr


def expired_sas(ws):
    """A SAS correctly signed with the account key that expired in 2020 (made with the
    azure-storage-blob package of the stand-in's environment; the key goes on stdin)."""
    code = ("import sys, datetime\n"
            "from azure.storage.blob import generate_container_sas, ContainerSasPermissions\n"
            "account, container = sys.argv[1:3]\n"
            "print(generate_container_sas(account, container, account_key=sys.stdin.read().strip(),\n"
            "      permission=ContainerSasPermissions(read=True, list=True),\n"
            "      start=datetime.datetime(2019, 1, 1), expiry=datetime.datetime(2020, 1, 1)))\n")
    return subprocess.run([ws["python"], "-c", code, ws["azure_account"], ws["azure_container"]],
                          input=ws["azure_key"], capture_output=True, text=True, check=True).stdout.strip()


def test_an_expired_sas_says_when_it_expired(home, ws):
    add_azure(home, ws, sas_token=Hidden(expired_sas(ws)))
    result = home.run("connection", "test", "azstage", check=False)
    assert result.returncode == 4, result.stderr
    assert "the SAS token expired at 2020-01-01" in result.stderr
    assert "set-secret azstage sas_token" in result.stderr


def test_a_missing_container_is_named(home, ws):
    add_azure(home, ws, container="no-such-container-mortar", account_key=Hidden(ws["azure_key"]))
    result = home.run("connection", "test", "azstage", check=False)
    assert result.returncode == 3, result.stderr
    assert "no-such-container-mortar" in result.stderr and "create the container" in result.stderr


def test_no_secret_at_all_says_how_to_store_one(home, ws):
    add_azure(home, ws)
    result = home.run("connection", "test", "azstage", check=False)
    assert result.returncode == 4
    assert "set-secret azstage account_key" in result.stderr


def test_bad_params_are_refused(home, ws):
    result = home.run("connection", "add", "bad", "--type", "azure_blob", "--param", "account=a.b",
                      "--param", "container=c", check=False)
    assert result.returncode == 2 and "account" in result.stderr
