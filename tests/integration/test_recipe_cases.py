"""The recipe cases of test/sql/ on the stand-in's Spark: the inputs of all the cases
are written as Parquet files and loaded into Delta tables through Mortar (one build of
one project of sync recipes to a Databricks connection), once a run: identical inputs
(by a digest of their JSON) share a table, which no case writes. Then, for each case,
the recipe runs in-database on those tables, and the rows read back must be the case's
expected rows, as they are on SQLite and on the local engine
(src/recipes/recipe_cases_test.cc). A case may carry, under
"dialects": {"databricks": {"reason": ..., "expected" | "outputs" | "expected_error" |
"skip": ...}},
expectations of its own with the reason the databases legitimately differ.

All cases share one data directory and one Databricks schema (MORTAR_CASES_SCHEMA,
default a new mortar_cases_<random>), dropped at the end; each case has its own
project and output tables."""
import collections
import datetime
import decimal
import hashlib
import json
import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mortar_cli import REPO, Mortar, write_json

pytestmark = pytest.mark.services("frontdoor", "spark", "warehouse")

CASES = sorted((REPO / "test" / "sql").rglob("*.json"))
SCHEMA = os.environ.get("MORTAR_CASES_SCHEMA") or f"mortar_cases_{uuid.uuid4().hex[:8]}"


class Home(Mortar):
    """One data directory for all the cases; a case on Spark may take long."""

    timeout = 900


@pytest.fixture(scope="module")
def home(tmp_path_factory, ws):
    home = Home(tmp_path_factory.mktemp("cases") / "home")
    home.run("init")
    token_file = home.home / "dbx.token"
    token_file.write_text(ws["pat"])
    token_file.chmod(0o600)
    home.run("connection", "add", "dbx", "--type", "databricks", "--param", f"host={ws['host']}",
             "--param", f"port={ws['port']}", "--param", f"http_path={ws['http_path']}",
             "--param", f"ca_file={ws['ca_file']}", "--param", f"auth.token_file={token_file}")
    # The same Spark through the Databricks-faithful warehouse's Statement Execution API.
    home.run("connection", "add", "dbr", "--type", "databricks", "--param", f"host={ws['host']}",
             "--param", f"port={ws['port']}", "--param", f"http_path={ws['databricks_http_path']}",
             "--param", f"ca_file={ws['ca_file']}", "--param", f"auth.token_file={token_file}",
             "--param", "transport=rest")
    home.run("sql", "dbx", f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    yield home
    home.run("sql", "dbx", f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE", check=False)


def arrow_type(text):
    simple = {"string": pa.string(), "int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(),
              "int64": pa.int64(), "float": pa.float32(), "double": pa.float64(), "boolean": pa.bool_(),
              "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"),
              "timestamp_ntz": pa.timestamp("us")}
    if text in simple:
        return simple[text]
    if text.startswith("decimal("):
        precision, scale = text[8:-1].split(",")
        return pa.decimal128(int(precision), int(scale))
    raise ValueError(f"no Arrow type for {text} in the case loader")


def arrow_value(value, type_):
    if value is None:
        return None
    if pa.types.is_date(type_):
        return datetime.date.fromisoformat(value)
    if pa.types.is_timestamp(type_):
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if type_.tz is None else parsed.replace(tzinfo=datetime.timezone.utc)
    if pa.types.is_decimal(type_):
        return decimal.Decimal(str(value))
    return value


def write_parquet(path, spec):
    fields = [pa.field(column["name"], arrow_type(column["type"])) for column in spec["schema"]]
    columns = [pa.array([arrow_value(row[i], field.type) for row in spec["rows"]], type=field.type)
               for i, field in enumerate(fields)]
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_arrays(columns, schema=pa.schema(fields)), path)


def normalise(value):
    """As recipe_cases_test.cc does: doubles to 9 significant digits, the rest as text."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, float):
        return "%.9g" % value
    return str(value)


def normalise_rows(rows, ordered=False):
    lines = ["|".join(normalise(cell) for cell in row) + "|" for row in rows]
    return lines if ordered else sorted(lines)


def input_table(spec):
    """The table that holds an input, named for a digest of its JSON: equal inputs share it."""
    return "in_" + hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


Inputs = collections.namedtuple("Inputs", ["datasets", "commits"])


def delta_commits(home, tables):
    """Each table's Delta commits (the files of its _delta_log), which any write adds to:
    read on this machine, where the stand-in's Spark keeps the schema, without a query."""
    rows = home.json("sql", "dbx", f"DESCRIBE SCHEMA EXTENDED {SCHEMA}")["rows"]
    location = next(row["info_value"] for row in rows if row["info_name"] == "Location")
    assert location.startswith("file:"), location
    folder = Path(location[len("file:"):])
    return {table: sorted(path.name for path in (folder / table / "_delta_log").glob("*.json"))
            for table in tables}


@pytest.fixture(scope="module")
def inputs(home):
    """The distinct inputs of the cases, loaded by one build of the project 'inputs' (a sync
    recipe per input, from a Parquet file to a Delta table): each table's dataset as the
    build left it (with the schema Mortar recorded), by table name, and the tables'
    Delta commits right after loading."""
    specs = {}
    for case_file in CASES:
        case = json.loads(case_file.read_text())
        if "skip" not in case.get("dialects", {}).get("databricks", {}):
            specs.update((input_table(spec), spec) for spec in case["inputs"].values())
    home.run("project", "create", "inputs")
    folder = home.home / "projects" / "inputs"
    for table, spec in specs.items():
        write_parquet(home.home / "files" / "inputs" / f"{table}.parquet", spec)
        write_json(folder / "datasets" / f"{table}_file.json",
                   {"name": f"{table}_file", "connection": "filesystem_default", "type": "files",
                    "params": {"path": f"inputs/{table}.parquet"}})
        write_json(folder / "datasets" / f"{table}.json",
                   {"name": table, "connection": "dbx", "type": "sql_table",
                    "params": {"schema": SCHEMA, "table": table}})
        write_json(folder / "recipes" / f"load_{table}.json",
                   {"name": f"load_{table}", "type": "sync", "inputs": [f"{table}_file"], "outputs": [table]})
    home.run("build", *specs, "--project", "inputs")
    commits = delta_commits(home, specs)
    assert all(commits.values()), commits
    return Inputs(datasets={table: json.loads((folder / "datasets" / f"{table}.json").read_text())
                            for table in specs},
                  commits=commits)


# Each case runs over Thrift (the open-source warehouse) and over the Statement Execution
# API (transport=rest on the Databricks-faithful warehouse, connection dbr): one Spark.
CONNECTIONS = {"thrift": "dbx", "rest": "dbr"}


@pytest.mark.parametrize("transport", CONNECTIONS)
@pytest.mark.parametrize("case_file", CASES, ids=[str(c.relative_to(REPO / "test" / "sql")) for c in CASES])
def test_case_on_spark(home, inputs, case_file, transport):
    connection = CONNECTIONS[transport]
    case = json.loads(case_file.read_text())
    override = case.get("dialects", {}).get("databricks", {})
    if override:
        assert override.get("reason"), f"{case_file}: a per-dialect note needs a reason"
    if "skip" in override:
        pytest.skip(override["reason"])
    expected = override.get("outputs") or case.get("outputs")
    if expected is None and ("expected" in override or "expected" in case):
        expected = {"result": override.get("expected", case.get("expected"))}
    expected = expected or {"result": None}

    tag = uuid.uuid4().hex[:8]
    project = f"c_{tag}"
    home.run("project", "create", project)
    folder = home.home / "projects" / project
    for name, spec in case["inputs"].items():
        write_json(folder / "datasets" / f"{name}.json",
                   dict(inputs.datasets[input_table(spec)], name=name, connection=connection))
    tables = {}
    for name in expected:
        tables[name] = f"{SCHEMA}.{tag}_out_{name}"
        write_json(folder / "datasets" / f"{name}.json",
                   {"name": name, "connection": connection, "type": "sql_table",
                    "params": {"schema": SCHEMA, "table": f"{tag}_out_{name}"}})
    recipe = dict(case["recipe"], name="case", outputs=list(expected), engine="in-database")
    write_json(folder / "recipes" / "case.json", recipe)

    build = home.run("build", *expected, "--project", project, check=False)
    expected_error = override.get("expected_error", case.get("expected_error"))
    if expected_error:
        assert build.returncode != 0, f"the recipe ran, but should fail with: {expected_error}"
        assert expected_error in build.stderr
        return
    assert build.returncode == 0, build.stdout + build.stderr
    for name, want in expected.items():
        result = home.json("sql", connection, f"SELECT * FROM {tables[name]}", "--limit", "100000")
        columns = [column["name"] for column in result["schema"]]
        assert columns == want["columns"], name
        rows = [[row[column] for column in columns] for row in result["rows"]]
        ordered = want.get("ordered", False)
        assert normalise_rows(rows, ordered) == normalise_rows(want["rows"], ordered), name


def test_no_case_changed_its_inputs(home, inputs):
    """The cases share their input tables, so none may write into them: no table has a
    Delta commit it did not have right after loading."""
    assert delta_commits(home, inputs.datasets) == inputs.commits
