"""Runs `databricks-connect` (unmodified, in its own venv) against the stand-in's front
door and prints what happened as one JSON object. Settings come from the environment
(never the command line): PROBE_HOST, PROBE_CLUSTER_ID, and PROBE_TOKEN or
PROBE_CLIENT_ID with PROBE_CLIENT_SECRET (databricks-sdk's own OAuth M2M); PROBE_TABLE
names a table to write and read back. The CA comes in GRPC_DEFAULT_SSL_ROOTS_FILE_PATH
and REQUESTS_CA_BUNDLE."""
import datetime
import decimal
import json
import os
import sys


def main():
    from databricks.connect import DatabricksSession
    from databricks.sdk.core import Config
    env = os.environ
    if env.get("PROBE_TOKEN"):
        config = Config(host=env["PROBE_HOST"], token=env["PROBE_TOKEN"], cluster_id=env["PROBE_CLUSTER_ID"])
    else:
        config = Config(host=env["PROBE_HOST"], client_id=env["PROBE_CLIENT_ID"],
                        client_secret=env["PROBE_CLIENT_SECRET"], cluster_id=env["PROBE_CLUSTER_ID"])
    try:
        spark = DatabricksSession.builder.sdkConfig(config).getOrCreate()
        row = spark.sql(
            "SELECT CAST(12345678901234567890.123456789 AS DECIMAL(38, 9)) AS d, DATE'2024-02-29' AS day, "
            "TIMESTAMP_NTZ'2024-01-02 03:04:05.123456' AS ntz, X'00FF' AS bin, array(1, NULL, 3) AS arr, "
            "map('a', 1) AS m, named_struct('x', 1, 's', 'é') AS st, CAST(NULL AS STRING) AS nothing").collect()[0]
        table = env["PROBE_TABLE"]
        spark.range(5).selectExpr("id", "id * 10 AS tens").write.mode("overwrite").saveAsTable(table)
        back = [(r.id, r.tens) for r in spark.read.table(table).orderBy("id").collect()]
        spark.sql(f"DROP TABLE {table}")
        spark.stop()
    except Exception as error:  # the test checks the message
        print(json.dumps({"error": type(error).__name__, "message": str(error)}))
        return
    print(json.dumps({
        "d": str(row.d), "decimal": isinstance(row.d, decimal.Decimal), "day": row.day.isoformat(),
        "ntz": row.ntz.isoformat(), "naive": isinstance(row.ntz, datetime.datetime) and row.ntz.tzinfo is None,
        "bin": bytes(row.bin).hex(), "arr": row.arr, "m": row.m, "st": [row.st.x, row.st.s],
        "nothing": row.nothing, "back": back}))


if __name__ == "__main__":
    sys.exit(main())
