"""Charts on the stand-in: the live engine runs one aggregation query in Spark and only
the bins come back; the bin limit is enforced there too."""
import json


def write_json(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


def test_chart_runs_in_spark_and_renders(dbx, table):
    dbx.run("sql", "dbx", f"CREATE TABLE {table} USING DELTA AS SELECT id, id % 7 AS k, "
                          f"date_add(DATE'2024-01-01', CAST(id % 60 AS INT)) AS day, id * 0.5 AS amount "
                          f"FROM range(1000)")
    try:
        project = dbx.home / "projects" / "p"
        write_json(project / "datasets" / "events.json",
                   {"name": "events", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
        write_json(project / "charts" / "by_month.json",
                   {"name": "by_month", "dataset": "events", "type": "bar",
                    "dimensions": [{"column": "day", "bin": "month"}],
                    "measures": [{"function": "count"}, {"column": "amount", "function": "sum"}],
                    "filters": ["amount >= 0"]})
        result = dbx.json("chart", "render", "by_month")
        assert result["engine"] == "live"
        assert "date_format(`day`, 'yyyy-MM')" in result["sql"]
        assert result["columns"] == ["day (month)", "count", "sum(amount)"]
        assert [row[:2] for row in result["rows"]] == [["2024-01", 527], ["2024-02", 473]]
        assert sum(float(row[2]) for row in result["rows"]) == sum(i * 0.5 for i in range(1000))

        out = dbx.home / "by_month.svg"
        report = dbx.run("chart", "render", "by_month", "--out", str(out)).stdout
        assert "2 bins, engine live" in report
        svg = out.read_text()
        assert svg.startswith("<svg") and svg.count("<rect x=") == 2

        write_json(project / "charts" / "too_fine.json",
                   {"name": "too_fine", "dataset": "events", "dimensions": [{"column": "id"}], "max_bins": 50})
        refused = dbx.run("chart", "render", "too_fine", check=False)
        assert refused.returncode == 2
        assert "the chart has more than 50 bins (the bin limit)" in refused.stderr
    finally:
        dbx.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)
