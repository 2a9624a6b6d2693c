"""Sessions of the Statement Execution API, as Databricks' own drivers use them
(databricks-sql-connector with `use_sea=True`, the JDBC driver's SEA mode):

- `POST /api/2.0/sql/sessions` {`warehouse_id`, `session_confs`, `catalog`, `schema`}
  answers {`session_id`}. `session_confs` are Databricks' SQL configuration parameters,
  keys in any case (`timezone`, `ansi_mode`, `statement_timeout`, ...); a key that is not
  one of them is refused, as the drivers' own allow-list does.
- A statement posted with `session_id` runs in that session: its settings, current
  catalog and schema, temporary views, and whatever `SET` changed.
- `DELETE /api/2.0/sql/sessions/{id}` {`warehouse_id`, `session_id`} ends it.

A session is its user's alone (another user's is not found, as an unknown one) and
belongs to its warehouse id; one left idle for `session_idle_seconds` is closed.
"""

import uuid

from . import errors
from .sessions import enter_namespace
from .statement_api import ApiError, invalid, name_field, warehouse_profile

# Databricks' SQL configuration parameters a session may set (in lower case).
PARAMETERS = {"ansi_mode", "enable_photon", "legacy_time_parser_policy", "max_file_partition_bytes",
              "read_only_external_metastore", "statement_timeout", "timezone", "use_cached_result",
              "query_tags"}
MAX_VALUE_CHARS = 4096


class ApiSessions:
    def __init__(self, warehouse):
        self.warehouse = warehouse

    def _profile(self, body):
        if not isinstance(body, dict):
            raise ApiError(400, "MALFORMED_REQUEST", "The request body must be a JSON object.")
        return warehouse_profile(body, self.warehouse.settings)

    @staticmethod
    def _confs(body):
        confs = body.get("session_confs") or {}
        if not isinstance(confs, dict) or len(confs) > len(PARAMETERS):
            raise invalid("session_confs must be an object of SQL configuration parameters.")
        for key, value in confs.items():
            if key.lower() not in PARAMETERS:
                raise invalid(f"{key!r} is not a SQL configuration parameter a session may set "
                              f"(one of {', '.join(sorted(p.upper() for p in PARAMETERS))}).")
            if not isinstance(value, str) or len(value) > MAX_VALUE_CHARS:
                raise invalid(f"The value of session conf {key!r} must be a string.")
        return confs

    def create(self, user, body):
        profile = self._profile(body)
        confs = self._confs(body)
        catalog, schema = name_field(body, "catalog"), name_field(body, "schema")
        session = self.warehouse.open_session(profile, user, None)
        session.api = True
        try:
            for key, value in confs.items():
                try:
                    session.set_parameter(key, value)
                except ValueError:
                    raise invalid(f"The value of session conf {key!r} must be a whole "
                                  "number.") from None
            enter_namespace(session.spark, session.settings, catalog, schema)
        except BaseException as error:
            self.warehouse.end_session(session)
            if type(error).__module__.startswith("pyspark"):
                raise ApiError(400, "INVALID_PARAMETER_VALUE",
                               errors.from_spark(error).display_message())
            raise
        return {"session_id": session.guid_text}

    def session(self, user, session_id, warehouse_id):
        """The user's own session on that warehouse (else not found, as an unknown one)."""
        with self.warehouse.lock:
            session = self.warehouse.sessions.get(_guid(session_id))
        if session is None or not session.api or session.user != user or \
                session.profile.id != warehouse_id:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST",
                           f"No session with id {session_id!r} on this warehouse: it was closed, "
                           "or left idle too long; open a new one.")
        session.touch()
        return session

    def delete(self, user, session_id, body):
        profile = self._profile(body) if body else None
        if body and body.get("session_id") not in (None, session_id):
            raise invalid("The session_id in the body is not the one in the path.")
        warehouse_id = profile.id if profile else self.warehouse_of(user, session_id)
        session = self.session(user, session_id, warehouse_id)
        self.warehouse.end_session(session)
        return {}

    def warehouse_of(self, user, session_id):
        """The warehouse id of the user's session, or None (for faults and the call log)."""
        with self.warehouse.lock:
            session = self.warehouse.sessions.get(_guid(session_id))
        return session.profile.id if session is not None and session.user == user else None


def _guid(session_id):
    try:
        return uuid.UUID(session_id).bytes if isinstance(session_id, str) else None
    except ValueError:
        return None
