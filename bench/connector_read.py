#!/usr/bin/env python3
"""databricks-sql-connector's side of bench/read_databricks_warehouse.py: reads a whole
table from the Databricks-faithful warehouse with the connector's defaults (CloudFetch
on), with fetchall_arrow or fetchmany_arrow, to nothing or to a Parquet file. Runs with
the stand-in's Python (it has the connector). Prints the rows read."""
import argparse
import json
import sys
import warnings

warnings.filterwarnings("ignore")

import pyarrow.parquet as pq  # noqa: E402
from databricks import sql  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("settings", help="scripts/workspace env --json, as a file")
parser.add_argument("table")
parser.add_argument("--fetch", choices=["all", "many"], default="many")
parser.add_argument("--out", help="a Parquet file to write the rows to")
args = parser.parse_args()
ws = json.load(open(args.settings))
connection = sql.connect(server_hostname=ws["host"], _port=int(ws["port"]),
                         http_path=ws["databricks_http_path"], access_token=ws["pat"],
                         _tls_trusted_ca_file=ws["ca_file"], enable_telemetry=False)
cursor = connection.cursor()
cursor.execute(f"SELECT * FROM {args.table}")
rows = 0
writer = None
if args.fetch == "all":
    table = cursor.fetchall_arrow()
    rows = table.num_rows
    if args.out:
        pq.write_table(table, args.out)
else:
    while True:
        table = cursor.fetchmany_arrow(1_000_000)
        if table.num_rows == 0:
            break
        rows += table.num_rows
        if args.out:
            writer = writer or pq.ParquetWriter(args.out, table.schema)
            writer.write_table(table)
    if writer:
        writer.close()
cursor.close()
connection.close()
print(rows)
sys.exit(0)
