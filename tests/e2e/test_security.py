"""Users, API keys, the vault and per-user credentials from the CLI, on the embedded
default (the OAuth flows run against the stand-in in tests/integration/test_auth.py)."""
import concurrent.futures
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.request

from mortar_cli import MortarServer

TOKEN = "dapi-e2e-secret-token-0123456789"


def databricks(mortar, name, *params):
    mortar.run("connection", "add", name, "--type", "databricks", "--param", "host=example.invalid",
               "--param", "http_path=/sql/1.0/warehouses/x", *params)


def test_users_passwords_and_admin_rights(mortar):
    mortar.run("init")
    mortar.run("user", "add", "alice", "--group", "analysts", input="a-long-password\n")
    users = mortar.json("user", "list")
    assert {"name": "alice", "display_name": "alice", "admin": False, "groups": ["analysts"]} in users
    text = (mortar.home / "security" / "users.json").read_text()
    assert "a-long-password" not in text and "$argon2id$" in text
    result = mortar.run("user", "add", "bob", "--user", "alice", input="another-password\n", check=False)
    assert result.returncode == 4 and "only an admin may manage users" in result.stderr
    result = mortar.run("user", "add", "bob", "--group", "nosuch", input="another-password\n", check=False)
    assert result.returncode == 3 and "no group named 'nosuch'" in result.stderr
    result = mortar.run("user", "add", "bob", input="", check=False)
    assert result.returncode == 2 and "nothing was given on standard input" in result.stderr
    result = mortar.run("user", "add", "bob", input="short\n", check=False)
    assert result.returncode == 2 and "at least 8 characters" in result.stderr


def test_secrets_are_encrypted_redacted_and_survive_key_rotation(mortar):
    mortar.run("init")
    databricks(mortar, "dbx", "--param", "auth.type=pat")
    result = mortar.run("connection", "test", "dbx", check=False)
    assert result.returncode == 4 and "mortar connection set-secret dbx token" in result.stderr
    mortar.run("connection", "set-secret", "dbx", "token", input=TOKEN + "\n")
    before = (mortar.home / "security" / "vault.json").read_text()
    assert TOKEN not in before
    assert TOKEN not in mortar.run("connection", "show", "dbx").stdout
    assert TOKEN not in mortar.run("connection", "show", "dbx", "--json").stdout
    rotated = mortar.json("secrets", "rotate-key")
    assert rotated == {"key": "2", "secrets": 1}
    after = (mortar.home / "security" / "vault.json").read_text()
    assert TOKEN not in after and after != before
    assert [s["slot"] for s in mortar.json("secrets", "list")] == ["connection/dbx/token"]
    # The token still decrypts after rotation: the connection gets past its credentials
    # and fails only on the (unreachable) host.
    result = mortar.run("connection", "test", "dbx", check=False)
    assert "set-secret" not in result.stderr and TOKEN not in result.stderr
    assert oct(os.stat(mortar.home / "secret.key").st_mode & 0o777) == "0o600"
    # Deleting the connection deletes its secrets: a new one of the same name starts bare.
    mortar.run("connection", "delete", "dbx")
    assert mortar.json("secrets", "list") == []
    databricks(mortar, "dbx", "--param", "auth.type=pat")
    result = mortar.run("connection", "test", "dbx", check=False)
    assert result.returncode == 4 and "mortar connection set-secret dbx token" in result.stderr


def test_per_user_tokens_are_each_users_own(mortar):
    mortar.run("init")
    mortar.run("user", "add", "alice", "--group", "analysts", input="a-long-password\n")
    databricks(mortar, "dbx", "--param", "auth.type=pat", "--param", "auth.credentials=per_user")
    # A new connection is for admins until granted.
    refused = mortar.run("credentials", "set", "dbx", "--user", "alice", input=TOKEN + "\n", check=False)
    assert refused.returncode == 4 and "user 'alice' may not use connection 'dbx'" in refused.stderr
    assert "mortar connection grant dbx use" in refused.stderr
    refused = mortar.run("--user", "alice", "connection", "grant", "dbx", "use", "--everyone", check=False)
    assert refused.returncode == 4 and "only an admin may" in refused.stderr
    mortar.run("connection", "grant", "dbx", "use", "--group", "analysts")
    listed = mortar.json("credentials", "list", "--user", "alice")
    entry = next(c for c in listed if c["connection"] == "dbx")
    assert entry["per_user"] and not entry["provided"]
    assert "mortar credentials set dbx --user alice" in entry["action"]
    mortar.run("credentials", "set", "dbx", "--user", "alice", input=TOKEN + "\n")
    entry = next(c for c in mortar.json("credentials", "list", "--user", "alice") if c["connection"] == "dbx")
    assert entry["provided"] and entry["authorized_at"] and not entry["access_expires_at"], entry
    entry = next(c for c in mortar.json("credentials", "list") if c["connection"] == "dbx")
    assert not entry["provided"], "admin must not see alice's token as theirs"
    # The day the token expires, as the user gives it: checked, kept, shown; a new token
    # without one forgets it.
    for bad, said in (("2027-02-30", "not a day"), ("yesterday", "not a day"), ("2020-01-01", "expired on 2020-01-01")):
        refused = mortar.run("credentials", "set", "dbx", "--user", "alice", "--expires", bad,
                             input=TOKEN + "\n", check=False)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    stored = mortar.run("credentials", "set", "dbx", "--user", "alice", "--expires", "2999-12-31", input=TOKEN + "\n")
    assert "expiring on 2999-12-31" in stored.stdout
    entry = next(c for c in mortar.json("credentials", "list", "--user", "alice") if c["connection"] == "dbx")
    assert entry["access_expires_at"] == "2999-12-31" and not entry["action"], entry
    mortar.run("credentials", "set", "dbx", "--user", "alice", input=TOKEN + "\n")
    entry = next(c for c in mortar.json("credentials", "list", "--user", "alice") if c["connection"] == "dbx")
    assert entry["provided"] and not entry["access_expires_at"], entry
    result = mortar.run("credentials", "set", "sqlite_default", input=TOKEN + "\n", check=False)
    assert result.returncode == 2 and "does not take per-user personal access tokens" in result.stderr


def test_server_login_api_keys_and_refusals(mortar):
    mortar.run("init")
    mortar.run("user", "add", "alice", "--group", "analysts", input="a-long-password\n")
    key = mortar.run("api-key", "create", "--user", "alice").stdout.strip()
    server = MortarServer(mortar.home, 18190, mortar.home / "server.log")
    try:
        url = server.url

        def call(method, path, body=None, headers=None):
            headers = {"Content-Type": "application/json", **(headers or {})}
            request = urllib.request.Request(url + path, method=method, headers=headers,
                                             data=None if body is None else json.dumps(body).encode())
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())

        assert call("GET", "/api/me")[0] == 401
        assert call("POST", "/api/login", {"user": "alice", "password": "wrong-password"})[0] == 401
        status, me = call("GET", "/api/me", headers={"Authorization": "Bearer " + key})
        assert status == 200 and me["user"] == "alice"
        assert me["redirect_uri"] == f"{url}/api/oauth2-callback"
        status, body = call("POST", "/api/sql", {"connection": "sqlite_default", "query": "SELECT 6*7 AS x"},
                            headers={"Authorization": "Bearer " + key})
        assert status == 403 and "may not run free SQL on connection 'sqlite_default'" in body["error"]
        mortar.run("connection", "grant", "sqlite_default", "free_sql", "--group", "analysts")
        status, rows = call("POST", "/api/sql", {"connection": "sqlite_default", "query": "SELECT 6*7 AS x"},
                            headers={"Authorization": "Bearer " + key})
        assert status == 200 and rows == {"columns": ["x"], "rows": [["42"]]}
        status, body = call("POST", "/api/sql", {"connection": "sqlite_default", "query": "SELECT 1", "limit": "ten"},
                            headers={"Authorization": "Bearer " + key})
        assert status == 400 and "has the wrong type" in body["error"]
        # A reply is built whole, so it is bounded: at most 1,000 rows and 16 MiB of text.
        status, body = call("POST", "/api/sql", {"connection": "sqlite_default", "query": "SELECT 1",
                                                 "limit": 1000000000},
                            headers={"Authorization": "Bearer " + key})
        assert status == 400 and "limit must be from 1 to 1000" in body["error"]
        wide = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000) "
                "SELECT x, hex(randomblob(10000)) AS h FROM c")
        status, body = call("POST", "/api/sql", {"connection": "sqlite_default", "query": wide, "limit": 1000},
                            headers={"Authorization": "Bearer " + key})
        assert status == 400 and "more than 16 MiB as text" in body["error"], body
        status, body = call("POST", "/api/sql", {"connection": "sqlite_default", "query": wide, "limit": 500},
                            headers={"Authorization": "Bearer " + key})
        assert status == 200 and len(body["rows"]) == 500
        status, connections = call("GET", "/api/connections", headers={"Authorization": "Bearer " + key})
        assert status == 200
        assert {c["name"]: c["may"] for c in connections} == {
            "filesystem_default": {"use": True, "free_sql": False},
            "sqlite_default": {"use": True, "free_sql": True}}
        status, body = call("POST", "/api/connections/sqlite_default/authorize",
                            headers={"Authorization": "Bearer " + key})
        assert status == 400 and "does not use OAuth per-user" in body["error"]
        # Only Mortar's own page logs a browser in; bodies must say what they are.
        status, body = call("POST", "/api/login", {"user": "alice", "password": "a-long-password"},
                            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
        assert status == 403 and "must come from Mortar's own page" in body["error"]
        status, body = call("POST", "/api/login", {"user": "alice", "password": "a-long-password"},
                            headers={"Content-Type": "text/plain"})
        assert status == 400 and "application/json" in body["error"]
        status, body = call("POST", "/api/login", {"user": "alice", "password": "a-long-password"},
                            headers={"Origin": url, "Sec-Fetch-Site": "same-origin"})
        assert status == 200
        # Bodies past 1 MiB are refused from their Content-Length, before they are read
        # (the answer comes without the client sending a byte of the body).
        connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=10)
        connection.putrequest("POST", "/api/sql")
        connection.putheader("Authorization", "Bearer " + key)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(2 << 20))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413 and "larger than 1048576 bytes" in json.loads(response.read())["error"]
        connection.close()
        # The data API's upload streams its body; other methods on its path do not, so
        # they are refused the same way, without logging in (they were read whole).
        for method, framing in [("PUT", ("Content-Length", str(300 << 20))),
                                ("DELETE", ("Content-Length", str(300 << 20))),
                                ("PATCH", ("Transfer-Encoding", "chunked"))]:
            connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=10)
            connection.putrequest(method, "/api/projects/p/datasets/d/data")
            connection.putheader(*framing)
            connection.endheaders()
            response = connection.getresponse()
            assert response.status == 413, (method, response.status)
            connection.close()
        # Password guessing: five failures for a user, then a wait, even with the right one.
        for _ in range(5):
            assert call("POST", "/api/login", {"user": "alice", "password": "wrong-password"})[0] == 401
        status, body = call("POST", "/api/login", {"user": "alice", "password": "a-long-password"})
        assert status == 429 and "try again in" in body["error"]
        # The access log writes the decoded path: a %0A must not start a line of its own.
        connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=10)
        connection.request("GET", "/api/x%0AGET%20/api/me%20200%20user=admin")
        assert connection.getresponse().status == 404
        connection.close()
        key_id = key.split("_")[1]
        assert call("DELETE", f"/api/api-keys/{key_id}", headers={"Authorization": "Bearer " + key})[0] == 200
        # A revoked key is unknown: 401, as the data API answers it.
        assert call("GET", "/api/me", headers={"Authorization": "Bearer " + key})[0] == 401
    finally:
        server.stop()
    assert server.process.returncode == 0
    log = (mortar.home / "server.log").read_text()
    assert "wrong-password" not in log and key not in log
    assert "\nGET /api/me 200 user=admin" not in log and "/api/x%0AGET /api/me" in log


def test_api_keys_end_what_they_made_and_die_with_their_user(mortar):
    mortar.run("init")
    mortar.run("project", "create", "p")
    mortar.run("user", "add", "alice", "--admin", input="a-long-password\n")
    key = mortar.run("api-key", "create", "--user", "alice").stdout.strip()
    server = MortarServer(mortar.home, 18192, mortar.home / "server.log")
    try:
        def call(method, path, body=None, bearer=key):
            return server.api(method, path, body, key=bearer)

        # A key cannot breed keys that would outlive it.
        status, body = call("POST", "/api/api-keys", {"label": "child"})
        assert status == 403 and "an API key cannot create API keys" in body["error"]
        # A ticket the key minted ends when the key is revoked.
        status, minted = call("POST", "/api/tickets", {"project": "p", "lifetime_seconds": 3600})
        assert status == 200
        ticket = minted["ticket"]
        assert call("GET", "/api/projects/p/datasets/none/schema", bearer=ticket)[0] == 404
        key_id = key.split("_")[1]
        mortar.run("api-key", "revoke", key_id, "--user", "alice")
        status, body = call("GET", "/api/projects/p/datasets/none/schema", bearer=ticket)
        assert status == 401 and "the API key that made this ticket was revoked" in body["error"]
        # Deleting a user deletes their keys: a new user of the same name gets none of them.
        second = mortar.run("api-key", "create", "--user", "alice").stdout.strip()
        assert call("GET", "/api/me", bearer=second)[0] == 200
        mortar.run("user", "delete", "alice")
        mortar.run("user", "add", "alice", input="another-password\n")
        assert mortar.json("api-key", "list", "--user", "alice") == []
        assert call("GET", "/api/me", bearer=second)[0] == 401  # unknown key, as on the data API
    finally:
        server.stop()


def test_a_burst_of_logins_is_turned_away_before_it_takes_every_thread(mortar):
    """Two passwords are checked at a time and eight more wait; further logins get 503
    with Retry-After at once instead of holding a server thread (found by
    bench/serve_load.py, where waiting logins held most of the threads)."""
    mortar.run("init")
    mortar.run("user", "add", "alice", "--group", "analysts", input="a-long-password\n")
    server = MortarServer(mortar.home, 18191, mortar.home / "server.log")
    try:
        def login(_):
            request = urllib.request.Request(
                server.url + "/api/login", method="POST", headers={"Content-Type": "application/json"},
                data=json.dumps({"user": "alice", "password": "a-long-password"}).encode())
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    return response.status, None
            except urllib.error.HTTPError as error:
                return error.code, (error.headers.get("Retry-After"), json.loads(error.read())["error"])

        with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
            answers = list(pool.map(login, range(30)))
        statuses = sorted(status for status, _ in answers)
        assert set(statuses) == {200, 503}, answers
        assert statuses.count(200) >= 10, answers
        for status, detail in answers:
            if status == 503:
                assert detail == ("1", "too many logins at once: try again in a second"), detail
        # The burst is over: a login goes through.
        assert login(0)[0] == 200
    finally:
        server.stop()


def test_an_upload_refused_from_its_headers_neither_sends_nor_holds_a_thread(mortar):
    """The data API's upload streams its body, so a refusal must not wait for it: a
    client that asks first ('Expect: 100-continue', as Mortar's Python package does) is
    refused before it sends a byte; one that does not is read for ten seconds at most,
    then cut off (it was read to its end, which an anonymous sender never reached)."""
    mortar.run("init")
    mortar.run("project", "create", "p")
    server = MortarServer(mortar.home, 18196, mortar.home / "server.log")
    port = int(server.url.rsplit(":", 1)[1])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /api/projects/p/datasets/d/data HTTP/1.1\r\nHost: x\r\n"
                         b"Authorization: Bearer not-a-ticket\r\nTransfer-Encoding: chunked\r\n"
                         b"Expect: 100-continue\r\n\r\n")
            answer = b""
            while not answer.endswith(b"}"):  # the final answer, not '100 Continue'; no body sent
                more = sock.recv(4096)
                assert more, answer
                answer += more
        assert answer.startswith(b"HTTP/1.1 401 "), answer
        head, body = answer.split(b"\r\n\r\n", 1)
        assert b"\r\nContent-Length: %d\r\n" % len(body) in head, answer
        assert b"the ticket is unknown or has expired" in answer, answer

        # Without asking first: an endless body, without a ticket.
        sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        sock.sendall(b"POST /api/projects/p/datasets/d/data HTTP/1.1\r\nHost: x\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % 65536 + b"\0" * 65536 + b"\r\n"
        started = time.monotonic()
        cut_off = False
        while time.monotonic() - started < 60:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                cut_off = True
                break
            time.sleep(0.01)
        sock.close()
        assert cut_off, "the server was still reading the refused body after 60 s"
        assert time.monotonic() - started < 40
    finally:
        server.stop()
