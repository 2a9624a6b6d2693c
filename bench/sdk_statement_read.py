#!/usr/bin/env python3
"""databricks-sdk's side of bench/read_statement_execution.py: reads a whole table from
the Databricks-faithful warehouse through the Statement Execution API as Databricks
documents it (execute_statement with EXTERNAL_LINKS and ARROW_STREAM, polling
get_statement, each chunk's link from get_statement_result_chunk_n, downloaded without
credentials and read with pyarrow), to nothing. Runs with the stand-in's Python (it has
the SDK). Prints the rows read."""
import argparse
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import pyarrow as pa  # noqa: E402
import requests  # noqa: E402
from databricks.sdk import WorkspaceClient  # noqa: E402
from databricks.sdk.service.sql import Disposition, Format, StatementState  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("settings", help="scripts/workspace env --json, as a file")
parser.add_argument("table")
args = parser.parse_args()
ws = json.load(open(args.settings))
os.environ["REQUESTS_CA_BUNDLE"] = ws["ca_file"]
client = WorkspaceClient(host=ws["url"], token=ws["pat"], auth_type="pat")
api = client.statement_execution
response = api.execute_statement(statement=f"SELECT * FROM {args.table}",
                                 warehouse_id=ws["databricks_warehouse_id"], wait_timeout="10s",
                                 disposition=Disposition.EXTERNAL_LINKS, format=Format.ARROW_STREAM)
while response.status.state in (StatementState.PENDING, StatementState.RUNNING):
    time.sleep(0.1)
    response = api.get_statement(response.statement_id)
if response.status.state != StatementState.SUCCEEDED:
    raise SystemExit(f"the statement ended {response.status.state}: {response.status.error}")
rows = 0
links = list(response.result.external_links or [])
with requests.Session() as storage:
    while links:
        link = links.pop(0)
        body = storage.get(link.external_link, headers=link.http_headers or {}, timeout=600)
        body.raise_for_status()
        for batch in pa.ipc.open_stream(body.content):
            rows += batch.num_rows
        if link.next_chunk_index is not None:
            links += api.get_statement_result_chunk_n(response.statement_id,
                                                      link.next_chunk_index).external_links
print(rows)
sys.exit(0)
