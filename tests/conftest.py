"""Fixtures shared by the end-to-end and integration tests of the `mortar` command."""
import pytest

from mortar_cli import REPO, Mortar, mortar_binary  # noqa: F401 (re-exported for the tests)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "services(*parts): the parts of the local Databricks stand-in that the tests "
                   "use (scripts/workspace up --only); tests/stand_in.py starts only those")


@pytest.fixture
def mortar(tmp_path):
    return Mortar(tmp_path / "home")
