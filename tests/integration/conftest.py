"""Fixtures for the integration tests against the local Databricks stand-in (tests/stand_in.py)."""
from stand_in import add_databricks, dbx, table, ws  # noqa: F401 (fixtures for the tests here)
