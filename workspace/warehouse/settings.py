"""What scripts/workspace hands the warehouse process: a JSON file (mode 0600, it holds
secrets) named by MORTAR_WS_WAREHOUSE_SETTINGS."""

import json
import os


class Profile:
    """One SQL warehouse id and how it serves results. Several ids share the process: the
    stand-in has one with Databricks' defaults, one for tests, whose CloudFetch links
    and abandoned operations expire within seconds, and one whose admin set a time zone."""

    def __init__(self, values, operation_idle_seconds):
        self.id = values["id"]
        self.operation_idle_seconds = int(values.get("operation_idle_seconds", operation_idle_seconds))
        self.link_ttl_seconds = int(values.get("link_ttl_seconds", 900))
        self.cloudfetch_threshold_bytes = int(values.get("cloudfetch_threshold_bytes", 4 << 20))
        self.cloudfetch_file_bytes = int(values.get("cloudfetch_file_bytes", 20 << 20))
        self.links_per_page = int(values.get("links_per_page", 100))
        # The warehouse's TIMEZONE parameter, as an admin sets it for every session (None:
        # Spark's default, the JVM's zone); a session's own setting overrides it.
        self.timezone = values.get("timezone") or None


class Settings:
    def __init__(self, values):
        self.port = int(values["port"])
        self.frontdoor_secret = values["frontdoor_secret"]
        self.admin_token = values.get("admin_token", "")
        self.workspace_id = str(values["workspace_id"])
        self.connect_url = values["connect_url"]
        self.s3_endpoint = values["s3_endpoint"]
        self.s3_region = values["s3_region"]
        self.s3_access_key_id = values["s3_access_key_id"]
        self.s3_secret_access_key = values["s3_secret_access_key"]
        self.root_bucket = values["root_bucket"]
        self.storage_url = values["storage_url"]
        self.azure_account = values.get("azure_account", "")
        self.azure_endpoint = values.get("azure_endpoint", "")
        self.state_dir = values["state_dir"]
        # Catalogs besides spark_catalog, named like Unity Catalog ones.
        self.catalogs = list(values.get("catalogs", []))
        # Where each of them keeps its tables, and the bucket that holds them as clients
        # of Unity Catalog's temporary table credentials address them.
        self.catalog_roots = dict(values.get("catalog_roots", {}))
        self.metastore_bucket = values.get("metastore_bucket", "mortar-workspace-metastore")
        # Catalogs whose tables live in Azure storage (Azurite): their abfss:// roots, and
        # the account key that reads their logs and signs SAS tokens for them (a secret).
        self.azure_catalog_roots = dict(values.get("azure_catalog_roots", {}))
        self.azure_key = values.get("azure_key", "")
        self.table_credential_ttl_seconds = int(values.get("table_credential_ttl_seconds", 3600))
        self.operation_idle_seconds = int(values.get("operation_idle_seconds", 600))
        self.session_idle_seconds = int(values.get("session_idle_seconds", 3600))
        # Databricks answers ExecuteStatement with the results when the statement finishes
        # within five seconds, with its status otherwise (a Databricks engineer describing
        # the server, databricks/databricks-sql-python pull request 325).
        self.direct_results_wait_seconds = float(values.get("direct_results_wait_seconds", 5))
        self.max_request_bytes = int(values.get("max_request_bytes", 16 << 20))
        self.warehouses = {p["id"]: Profile(p, self.operation_idle_seconds)
                           for p in values["warehouses"]}

    @property
    def spool_dir(self):
        return os.path.join(self.state_dir, "spool")


def load():
    path = os.environ.get("MORTAR_WS_WAREHOUSE_SETTINGS")
    if not path:
        raise SystemExit("warehouse: MORTAR_WS_WAREHOUSE_SETTINGS is not set")
    with open(path) as f:
        return Settings(json.load(f))
