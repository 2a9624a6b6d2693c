"""Fixtures shared by the end-to-end and integration tests of the `mortar` command."""
import pytest

from mortar_cli import REPO, Mortar, mortar_binary  # noqa: F401 (re-exported for the tests)


@pytest.fixture
def mortar(tmp_path):
    return Mortar(tmp_path / "home")
