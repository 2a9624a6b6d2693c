#!/usr/bin/env python3
"""PyHive's side of bench/read_databricks.py: reads a whole table through the front
door, to nothing or to a CSV file. Runs with the stand-in's Python (it has PyHive)."""
import csv
import ssl
import sys

from pyhive import hive
import thrift.transport.THttpClient as THttpClient

host, port, path, ca_file, token_file, table = sys.argv[1:7]
out_path = sys.argv[7] if len(sys.argv) > 7 else None
context = ssl.create_default_context(cafile=ca_file)
transport = THttpClient.THttpClient(f"https://{host}:{port}{path}", ssl_context=context)
transport.setCustomHeaders({"Authorization": "Bearer " + open(token_file).read().strip()})
cursor = hive.connect(thrift_transport=transport).cursor(arraysize=100000)
cursor.execute(f"SELECT * FROM {table}")
writer = csv.writer(open(out_path, "w", newline="")) if out_path else None
if writer:
    writer.writerow([d[0] for d in cursor.description])
rows = 0
while True:
    batch = cursor.fetchmany(100000)
    if not batch:
        break
    rows += len(batch)
    if writer:
        writer.writerows(batch)
print(rows)
