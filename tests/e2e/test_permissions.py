"""Project roles and connection rights, from the CLI acting as non-admin users
(--user), on the embedded default. The server and the data API are checked in
test_security.py, test_python_api.py and test_visual_recipes.py."""
import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from mortar_cli import REPO, MortarServer, write_json


@pytest.fixture
def team(mortar):
    mortar.run("init")
    mortar.run("group", "add", "engineers")
    mortar.run("user", "add", "alice", "--group", "engineers", input="a-long-password\n")
    mortar.run("user", "add", "bob", "--group", "analysts", input="another-password\n")
    (mortar.home / "files" / "people.csv").write_text("name,age\nAnn,34\nCy,51\n")
    return mortar


def as_user(mortar, user, *args, check=True):
    return mortar.run("--user", user, *args, check=check)


def refused(mortar, user, *args):
    result = as_user(mortar, user, *args, check=False)
    assert result.returncode == 4, result
    return result.stderr


def test_a_project_belongs_to_its_creator_and_roles_widen_step_by_step(team):
    as_user(team, "alice", "project", "create", "shop")
    assert json.loads(as_user(team, "alice", "project", "list", "--json").stdout) == [
        {"name": "shop", "role": "admin"}]
    as_user(team, "alice", "--project", "shop", "dataset", "import", "filesystem_default", "people.csv",
            "--name", "people")
    recipe = team.home / "projects" / "shop" / "recipes" / "copy.json"
    recipe.write_text(json.dumps({"name": "copy", "type": "sync", "inputs": ["people"], "outputs": ["people_copy"]}))
    (team.home / "projects" / "shop" / "datasets" / "people_copy.json").write_text(json.dumps(
        {"name": "people_copy", "connection": "sqlite_default", "type": "sql_table",
         "params": {"table": "people_copy"}}))

    # bob holds nothing: the project is not even listed, and nothing in it is readable.
    assert json.loads(as_user(team, "bob", "project", "list", "--json").stdout) == []
    assert "user 'bob' may not see project 'shop'" in refused(
        team, "bob", "--project", "shop", "dataset", "preview", "people")
    assert "mortar project grant shop user bob --role read" in refused(
        team, "bob", "--project", "shop", "dataset", "list")
    # Only a project admin grants.
    assert "may not manage the permissions of project 'shop'" in refused(
        team, "bob", "project", "grant", "shop", "user", "bob", "--role", "admin")

    as_user(team, "alice", "project", "grant", "shop", "group", "analysts", "--role", "read")
    preview = as_user(team, "bob", "--project", "shop", "dataset", "preview", "people").stdout
    assert "Ann" in preview and "Cy" in preview
    assert "may not change or build project 'shop'" in refused(
        team, "bob", "--project", "shop", "recipe", "run", "copy")
    assert "may not change or build project 'shop'" in refused(
        team, "bob", "--project", "shop", "build", "people_copy")
    assert "may not change or build project 'shop'" in refused(
        team, "bob", "--project", "shop", "dataset", "import", "filesystem_default", "people.csv",
        "--name", "more")
    assert not (team.home / "projects" / "shop" / "datasets" / "more.json").exists()

    as_user(team, "alice", "project", "grant", "shop", "user", "bob", "--role", "write")
    as_user(team, "bob", "--project", "shop", "recipe", "run", "copy")
    assert json.loads(as_user(team, "alice", "project", "permissions", "shop", "--json").stdout) == [
        {"user": "alice", "role": "admin"}, {"group": "analysts", "role": "read"},
        {"user": "bob", "role": "write"}]

    # The last admin stays; a revoked grant falls back to what the group holds.
    result = as_user(team, "alice", "project", "revoke", "shop", "user", "alice", check=False)
    assert result.returncode == 5 and "without an admin" in result.stderr
    as_user(team, "alice", "project", "revoke", "shop", "user", "bob")
    assert "may not change or build" in refused(team, "bob", "--project", "shop", "recipe", "run", "copy")
    # A Mortar admin may do everything, granted or not.
    team.run("--project", "shop", "recipe", "run", "copy")
    # A deleted user's grants go with them: a new user of the same name starts with none.
    result = team.run("user", "delete", "alice", check=False)
    assert result.returncode == 5 and "last admin of project 'shop'" in result.stderr
    team.run("project", "grant", "shop", "group", "administrators", "--role", "admin")
    team.run("project", "grant", "shop", "user", "bob", "--role", "write")
    team.run("user", "delete", "bob")
    team.run("user", "add", "bob", input="a-new-password\n")
    assert "may not see project 'shop'" in refused(team, "bob", "--project", "shop", "dataset", "list")


def test_connections_are_used_and_queried_only_as_granted(team):
    (team.home / "sqlite").mkdir(exist_ok=True)
    with sqlite3.connect(team.home / "sqlite" / "lake.db") as db:
        db.execute("CREATE TABLE t AS SELECT 1 AS x")
    team.run("connection", "add", "lake", "--type", "sqlite", "--param", "path=sqlite/lake.db")
    # A new connection is for admins until granted; admins alone add, grant and delete.
    assert "user 'alice' may not use connection 'lake'" in refused(team, "alice", "connection", "tables", "lake")
    assert "may not use connection 'lake'" in refused(team, "alice", "connection", "show", "lake")
    assert "only an admin may add connections" in refused(
        team, "alice", "connection", "add", "mine", "--type", "sqlite", "--param", "path=sqlite/m.db")
    assert "only an admin may" in refused(team, "alice", "connection", "grant", "lake", "use", "--everyone")
    assert "only an admin may delete connections" in refused(team, "alice", "connection", "delete", "lake")

    team.run("connection", "grant", "lake", "use", "--group", "engineers")
    assert "t" in as_user(team, "alice", "connection", "tables", "lake").stdout
    assert "may not run free SQL on connection 'lake'" in refused(team, "alice", "sql", "lake", "SELECT x FROM t")
    assert "may not use connection 'lake'" in refused(team, "bob", "connection", "tables", "lake")
    listed = {c["name"]: c["may"] for c in json.loads(as_user(team, "alice", "connection", "list", "--json").stdout)}
    assert listed["lake"] == {"use": True, "free_sql": False}

    team.run("connection", "grant", "lake", "free_sql", "--group", "engineers")
    assert "1" in as_user(team, "alice", "sql", "lake", "SELECT x FROM t").stdout
    # Replacing the connection keeps who may use it; revoking use takes free SQL with it.
    team.run("connection", "add", "lake", "--type", "sqlite", "--param", "path=sqlite/lake.db", "--replace")
    assert "1" in as_user(team, "alice", "sql", "lake", "SELECT x FROM t").stdout
    team.run("connection", "revoke", "lake", "use", "--group", "engineers")
    assert "may not run free SQL" in refused(team, "alice", "sql", "lake", "SELECT x FROM t")
    assert json.loads((team.home / "connections" / "lake.json").read_text())["permissions"] == {
        "use": {"mode": "nobody"}, "free_sql": {"mode": "nobody"}}


def test_an_admin_changes_a_connections_params_in_place(team):
    team.run("connection", "add", "dbx", "--type", "databricks", "--param", "host=example.invalid",
             "--param", "http_path=/sql/1.0/warehouses/x", "--param", "auth.type=pat",
             "--param", "auth.token_env=DBX_TOKEN")
    team.run("connection", "grant", "dbx", "use", "--group", "engineers")
    stored = team.home / "connections" / "dbx.json"

    # What the error of a gate tells an admin to run, runs: nested keys, kinds kept.
    team.run("connection", "set", "dbx", "--param", "details_readable_by.mode=analysts",
             "--param", "port=8443", "--unset", "auth.token_env", "--param", "auth.token_file=tok",
             "--description", "the team's warehouse")
    config = json.loads(stored.read_text())
    assert config["params"]["details_readable_by"] == {"mode": "analysts"}
    assert config["params"]["port"] == 8443
    assert config["params"]["auth"] == {"type": "pat", "token_file": "tok"}
    assert config["params"]["host"] == "example.invalid"
    assert config["description"] == "the team's warehouse"
    # Who may use it is kept.
    assert config["permissions"]["use"] == {"mode": "groups", "groups": ["engineers"]}

    # A change that would not make a valid connection, or unsets what is not there, changes
    # nothing and says why.
    before = stored.read_text()
    result = team.run("connection", "set", "dbx", "--param", "port=not-a-port", check=False)
    assert result.returncode == 2 and "port" in result.stderr, result
    result = team.run("connection", "set", "dbx", "--unset", "auth.nosuch", check=False)
    assert result.returncode == 2 and "--unset auth.nosuch" in result.stderr, result
    result = team.run("connection", "set", "dbx", "--param", "token=dapi-on-the-command-line", check=False)
    assert result.returncode == 2 and "token" in result.stderr, result
    result = team.run("connection", "set", "dbx", check=False)
    assert result.returncode == 2 and "set-secret dbx" in result.stderr, result
    assert stored.read_text() == before
    # Only an admin changes a connection; a missing one is not found.
    assert "only an admin may change connections" in refused(
        team, "alice", "connection", "set", "dbx", "--param", "port=443")
    assert stored.read_text() == before
    result = team.run("connection", "set", "nosuch", "--param", "port=443", check=False)
    assert result.returncode == 3, result


def test_jobs_are_seen_and_cancelled_as_their_project_allows(team):
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    as_user(team, "alice", "project", "create", "shop")
    as_user(team, "alice", "--project", "shop", "dataset", "import", "filesystem_default", "people.csv",
            "--name", "people")
    project = team.home / "projects" / "shop"
    write_json(project / "datasets" / "slow_out.json",
               {"name": "slow_out", "connection": "sqlite_default", "type": "sql_table",
                "params": {"table": "slow_out"}})
    (project / "recipes" / "slow.py").write_text("import time\ntime.sleep(300)\n")
    write_json(project / "recipes" / "slow.json",
               {"name": "slow", "type": "python", "inputs": ["people"], "outputs": ["slow_out"],
                "params": {"script": "recipes/slow.py"}})
    with sqlite3.connect(team.home / "sqlite" / "default.db") as db:
        db.execute("CREATE TABLE slow_out AS SELECT 'before' AS was")

    def start_build():
        return subprocess.Popen([*team.command(), "--user", "alice", "--project", "shop", "build", "slow_out"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def running_job():
        deadline = time.time() + 60
        while True:
            jobs = json.loads(as_user(team, "alice", "job", "list", "--json").stdout)
            if jobs and jobs[0]["state"] == "running":
                return jobs[0]
            assert time.time() < deadline, jobs
            time.sleep(0.2)

    build = start_build()
    try:
        job = running_job()
        assert (job["project"], job["user"], job["label"]) == ("shop", "alice", "slow_out")
        # bob holds nothing on shop: its jobs are not listed, and not found by id.
        assert json.loads(as_user(team, "bob", "job", "list", "--json").stdout) == []
        result = as_user(team, "bob", "job", "show", job["id"], check=False)
        assert result.returncode == 3 and "no job" in result.stderr
        # Reading the project lets him see the job, not stop it.
        as_user(team, "alice", "project", "grant", "shop", "user", "bob", "--role", "read")
        assert [j["id"] for j in json.loads(as_user(team, "bob", "job", "list", "--json").stdout)] == [job["id"]]
        assert "needs the write role on project 'shop'" in refused(team, "bob", "job", "cancel", job["id"])
        assert "Asked job" in as_user(team, "alice", "job", "cancel", job["id"]).stdout
        assert build.wait(timeout=60) == 130
    finally:
        if build.poll() is None:
            build.kill()
    shown = json.loads(as_user(team, "alice", "job", "show", job["id"], "--json").stdout)
    assert shown["state"] == "cancelled" and shown["finished"], shown
    assert any("slow" in line for line in shown["log"]), shown["log"]
    # The output is as it was, and a job that is not running is not signalled again.
    assert team.json("sql", "sqlite_default", "SELECT was FROM slow_out")["rows"] == [{"was": "before"}]
    result = as_user(team, "alice", "job", "cancel", job["id"], check=False)
    assert result.returncode == 5 and "is not running (state: cancelled)" in result.stderr

    # A job whose process was killed outright is reported as ended, not as running.
    build = start_build()
    try:
        killed = running_job()
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=60)
    states = {j["id"]: j["state"] for j in json.loads(as_user(team, "alice", "job", "list", "--json").stdout)}
    assert states[killed["id"]] == "ended" and states[job["id"]] == "cancelled"


    # A job of a project that is gone lists for admins only, and breaks no one's list.
    gone = team.home / "jobs" / "20200101-000000-gone-1"
    gone.mkdir()
    (gone / "job.json").write_text(json.dumps({"id": gone.name, "project": "gone", "user": "alice",
                                              "state": "succeeded", "started_ms": 1}))
    assert gone.name not in [j["id"] for j in json.loads(as_user(team, "bob", "job", "list", "--json").stdout)]
    assert gone.name in [j["id"] for j in team.json("job", "list")]

    # The REST API gives the same, under the same rules (the studio's flow and job views).
    keys = {user: team.run("api-key", "create", "--user", user).stdout.strip() for user in ("alice", "bob")}
    team.run("user", "add", "carol", input="a-third-password\n")
    keys["carol"] = team.run("api-key", "create", "--user", "carol").stdout.strip()
    server = MortarServer(team.home, 18194, team.home / "server.log")
    try:
        def call(user, method, path):
            return server.api(method, path, key=keys[user])

        status, listed = call("bob", "GET", "/api/jobs")
        assert status == 200 and [j["id"] for j in listed["jobs"]][:2] == [killed["id"], job["id"]]
        assert "pid" not in listed["jobs"][0]
        status, shown = call("bob", "GET", f"/api/jobs/{job['id']}?lines=5")
        assert status == 200 and shown["state"] == "cancelled" and 0 < len(shown["log"]) <= 5
        assert call("bob", "GET", f"/api/jobs/{job['id']}?lines=0")[0] == 400
        assert call("bob", "POST", f"/api/jobs/{job['id']}/cancel")[0] == 403
        status, body = call("alice", "POST", f"/api/jobs/{job['id']}/cancel")
        assert status == 409 and "is not running" in body["error"]
        assert call("carol", "GET", "/api/jobs")[1]["jobs"] == []
        assert call("carol", "GET", f"/api/jobs/{job['id']}")[0] == 404
        assert call("alice", "GET", "/api/jobs/nosuch-job")[0] == 404
        status, flow = call("bob", "GET", "/api/flow?project=shop")
        assert status == 200 and flow["project"] == "shop"
        assert [(r["name"], r["up_to_date"]) for r in flow["recipes"]] == [("slow", False)]
        assert call("carol", "GET", "/api/flow?project=shop")[0] == 403
    finally:
        server.stop()

    # SIGTERM (a service manager's stop, or `mortar serve` shutting down) stops a build
    # as Ctrl-C does: cancelled, its outputs left as they were.
    build = start_build()
    try:
        stopped = running_job()
        build.send_signal(signal.SIGTERM)
        assert build.wait(timeout=60) == 130
    finally:
        if build.poll() is None:
            build.kill()
    shown = json.loads(as_user(team, "alice", "job", "show", stopped["id"], "--json").stdout)
    assert shown["state"] == "cancelled", shown
    assert team.json("sql", "sqlite_default", "SELECT was FROM slow_out")["rows"] == [{"was": "before"}]
