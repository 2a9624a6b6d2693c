"""Fixtures for the fault tests, which kill parts of the local Databricks stand-in under
Mortar's feet and bring them back: the integration tests' (tests/stand_in.py). They run
as a step of their own, after the integration tests (scripts/test)."""
from stand_in import add_databricks, dbx, table, ws  # noqa: F401 (fixtures for the tests here)
