"""Mortar's Python API, for code recipes and notebooks.

    import mortar
    orders = mortar.Dataset("orders").get_dataframe()
    mortar.Dataset("orders_clean").write_with_schema(orders.dropna())

See docs/python.md.
"""
from .client import Client
from .databricks import DatabricksConnect
from .dataset import Dataset, DatasetWriter
from .errors import (AuthenticationError, ConfigurationError, CredentialsRefusedError, MortarError,
                     NotDeclaredError, PermissionDeniedError, SchemaMismatchError,
                     TypeConversionError, UnknownDatasetError)
from .sql import SQLExecutor

__all__ = [
    "AuthenticationError", "Client", "ConfigurationError", "CredentialsRefusedError",
    "DatabricksConnect", "Dataset", "DatasetWriter", "MortarError", "NotDeclaredError",
    "PermissionDeniedError", "SQLExecutor", "SchemaMismatchError", "TypeConversionError", "UnknownDatasetError",
]
__version__ = "0.1.0"
