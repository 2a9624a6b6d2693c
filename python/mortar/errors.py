"""The exceptions of the mortar package. Each carries the server's message."""


class MortarError(Exception):
    """Any error the Mortar API reports."""

    def __init__(self, message, status=None, kind=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.kind = kind


class ConfigurationError(MortarError):
    """The process was not given what it needs to reach Mortar (MORTAR_API_URL...)."""


class AuthenticationError(MortarError):
    """The ticket or API key is missing, unknown or expired."""


class UnknownDatasetError(MortarError):
    """No dataset of that name in the project."""


class NotDeclaredError(MortarError):
    """The dataset (or connection) is not an input or output of this recipe."""


class SchemaMismatchError(MortarError):
    """The data's columns do not match the dataset's schema."""


class TypeConversionError(MortarError):
    """A value could not be converted to the column's type."""


class PermissionDeniedError(MortarError):
    """The user's role on the project, or their rights on the connection, do not allow
    this (see `mortar project grant` and `mortar connection grant`)."""


class CredentialsRefusedError(MortarError):
    """The connection's "details readable by" setting does not cover this user."""


_BY_KIND = {
    "ticket": AuthenticationError,
    "unknown_dataset": UnknownDatasetError,
    "not_declared": NotDeclaredError,
    "schema_mismatch": SchemaMismatchError,
    "type_conversion": TypeConversionError,
    "credentials_refused": CredentialsRefusedError,
    "forbidden": PermissionDeniedError,
}


def error_for(status, body):
    """The exception for an error reply ({"error", "code", "kind"})."""
    message = body.get("error") or f"HTTP {status}"
    kind = body.get("kind")
    cls = _BY_KIND.get(kind, AuthenticationError if status == 401 else MortarError)
    return cls(message, status=status, kind=kind)
