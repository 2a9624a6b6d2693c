"""Credentials against the stand-in's real OIDC provider and front door: Mortar's
server and its login, OAuth per-user in a headless Chromium, two users with their own
identities, client credentials, tokens expiring mid-run, one refresh for 20 concurrent
queries, a revoked refresh token, a wrong state or redirect, and a scan for leaked
secrets at the end. The tests of this module run in order and share one data
directory and one server."""
import concurrent.futures
import http.cookiejar
import json
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import browser
from mortar_cli import REPO, Mortar, MortarServer as Server, write_json
from stand_in import token_requests

pytestmark = pytest.mark.services("frontdoor", "oidc", "spark")

PORT = 18095          # http://127.0.0.1:18095/api/oauth2-callback is registered at the provider
WRONG_PORT = 18096    # ... and this one is not
PASSWORDS = {"alice": "alice-mortar-pw-1", "bob": "bob-mortar-pw-22", "carol": "carol-mortar-pw-3"}


class Recorder(Mortar):
    """The CLI, keeping every output for the leak scan."""
    transcript = []

    def run(self, *args, **kwargs):
        result = super().run(*args, **kwargs)
        Recorder.transcript += [result.stdout, result.stderr]
        return result


@pytest.fixture(scope="module")
def site(ws, tmp_path_factory):
    """A data directory with three users and OAuth connections, and its server."""
    root = tmp_path_factory.mktemp("auth")
    mortar = Recorder(root / "home")
    mortar.run("init")
    for user in ("alice", "bob", "carol"):
        mortar.run("user", "add", user, "--group", "analysts", input=PASSWORDS[user] + "\n")
    common = ["--param", f"host={ws['host']}", "--param", f"port={ws['port']}",
              "--param", f"http_path={ws['http_path']}", "--param", f"ca_file={ws['ca_file']}"]
    for name, client, secret in (("dbx_user", ws["oauth_client_id"], ws["oauth_client_secret"]),
                                 ("dbx_short", ws["oauth_short_client_id"], ws["oauth_short_client_secret"])):
        mortar.run("connection", "add", name, "--type", "databricks", *common,
                   "--param", "auth.type=oauth_user", "--param", f"auth.client_id={client}")
        mortar.run("connection", "set-secret", name, "client_secret", input=secret + "\n")
    for name, client, secret in (("dbx_m2m", ws["oauth_m2m_client_id"], ws["oauth_m2m_client_secret"]),
                                 ("dbx_m2m_short", ws["oauth_m2m_short_client_id"],
                                  ws["oauth_m2m_short_client_secret"])):
        mortar.run("connection", "add", name, "--type", "databricks", *common,
                   "--param", "auth.type=oauth_m2m", "--param", f"auth.client_id={client}",
                   "--param", f"auth.token_endpoint={ws['oauth_token_url']}")
        mortar.run("connection", "set-secret", name, "client_secret", input=secret + "\n")
    mortar.run("connection", "add", "dbx_pat", "--type", "databricks", *common,
               "--param", "auth.type=pat", "--param", "auth.credentials=per_user")
    for name in ("dbx_user", "dbx_short", "dbx_m2m", "dbx_m2m_short", "dbx_pat"):
        mortar.run("connection", "grant", name, "free_sql", "--group", "analysts")
    server = Server(mortar.home, PORT, root / "server.log", save=True, transcript=Recorder.transcript)
    # A new key is shown once, by design: that output alone is left out of the scan.
    keys = {user: Mortar.run(mortar, "api-key", "create", "--user", user).stdout.strip()
            for user in ("alice", "bob", "carol")}
    yield {"mortar": mortar, "server": server, "keys": keys, "root": root}
    server.stop()


def authorize_in_browser(driver, site, ws, mortar_user, ws_user, ws_password, connection):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    wait = WebDriverWait(driver, 30)
    driver.get(site["server"].url + "/")
    wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
    driver.find_element(By.ID, "user").send_keys(mortar_user)
    driver.find_element(By.ID, "password").send_keys(PASSWORDS[mortar_user])
    driver.find_element(By.ID, "login-button").click()
    wait.until(lambda d: d.find_elements(By.ID, "authorize-" + connection))
    driver.find_element(By.ID, "authorize-" + connection).click()
    try:
        wait.until(lambda d: d.find_elements(By.ID, "username"))
    except Exception:
        raise AssertionError(f"no provider login at {driver.current_url}: {driver.page_source[:1500]}")
    driver.find_element(By.ID, "username").send_keys(ws_user)
    driver.find_element(By.ID, "password").send_keys(ws_password)
    driver.find_element(By.ID, "submit").click()
    try:
        wait.until(lambda d: d.current_url.startswith(site["server"].url + "/?authorized=" + connection)
                   and d.find_element(By.ID, "notice").is_displayed())
    except Exception:
        raise AssertionError(f"not back in Mortar: {driver.current_url}: {driver.page_source[:1500]}")
    wait.until(lambda d: d.find_elements(By.ID, "connection-" + connection))
    return wait


def test_per_user_oauth_in_a_browser(site, ws, tmp_path):
    from selenium.webdriver.common.by import By
    with browser.chromium(ws["ca_file"], tmp_path) as driver:
        wait = authorize_in_browser(driver, site, ws, "alice", ws["user"], ws["password"], "dbx_user")
        row = driver.find_element(By.ID, "connection-dbx_user").text
        assert "provided" in row and "authorized 20" in row, row
        # The stand-in's provider does not say how long a refresh token lasts.
        assert "access token valid until 20" in row and "did not say when" in row, row
        driver.find_element(By.ID, "test-dbx_user").click()
        wait.until(lambda d: "works" in d.find_element(By.ID, "connection-result").text
                   or d.find_element(By.ID, "connection-result").get_attribute("class") == "error")
        result = driver.find_element(By.ID, "connection-result").text
        assert "Connection dbx_user works" in result and "user " + ws["user"] in result, result
        driver.find_element(By.ID, "sql-connection").send_keys("dbx_user")
        driver.find_element(By.ID, "sql-run").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sql-result tr + tr")
                   or d.find_element(By.ID, "sql-error").text)
        assert driver.find_element(By.ID, "sql-error").text == ""
        assert driver.find_element(By.CSS_SELECTOR, "#sql-result tr + tr").text == ws["user"]
    listed = site["mortar"].json("credentials", "list", "--user", "alice")
    entry = next(c for c in listed if c["connection"] == "dbx_user")
    assert entry["provided"] and entry["authorized_at"].startswith("20"), entry
    assert entry["access_expires_at"] > entry["authorized_at"] and entry["refresh_expires_at"] == "", entry


def test_an_admin_sets_up_an_oauth_connection_in_the_studio_and_a_user_authorizes_it(site, ws, tmp_path):
    """The seed's admin workflow in the browser: the connection form with OAuth per-user
    and automatic fast-write, the redirect URI to register shown, the client secret
    entered write-only; then a user authorizes it through the real OIDC login and tests
    it. Only admins reach the form."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    mortar = site["mortar"]
    mortar.run("user", "add", "dana", "--admin", input="dana-mortar-pw-44\n")
    PASSWORDS["dana"] = "dana-mortar-pw-44"
    with browser.chromium(ws["ca_file"], tmp_path) as driver:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait
        # A saved form opens again on what was saved: elements found before go stale.
        wait = WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))
        driver.get(site["server"].url + "/#/connections")
        wait.until(lambda d: d.find_elements(By.ID, "login-button"))
        driver.find_element(By.ID, "user").send_keys("dana")
        driver.find_element(By.ID, "password").send_keys(PASSWORDS["dana"])
        driver.find_element(By.ID, "login-button").click()
        wait.until(lambda d: d.find_elements(By.ID, "connection-new"))
        driver.find_element(By.ID, "connection-new").click()
        driver.find_element(By.ID, "connection-name").send_keys("dbx_studio")
        Select(driver.find_element(By.ID, "connection-type")).select_by_visible_text("databricks")
        for field, value in (("host", ws["host"]), ("port", str(ws["port"])), ("http_path", ws["http_path"]),
                             ("ca_file", ws["ca_file"]), ("fast_write-volume", "/Volumes/main/default/staging"),
                             ("fast_write-path", "mortar-studio-staging")):
            driver.find_element(By.ID, "param-" + field).send_keys(value)
        Select(driver.find_element(By.ID, "param-auth-type")).select_by_value("oauth_user")
        driver.find_element(By.ID, "param-auth-client_id").send_keys(ws["oauth_client_id"])
        assert driver.find_element(By.ID, "redirect-uri").get_attribute("value") == \
            site["server"].url + "/api/oauth2-callback"
        assert driver.find_element(By.ID, "secret-state-client_secret").text == "not set"
        driver.find_element(By.ID, "secret-client_secret").send_keys(ws["oauth_client_secret"])
        driver.find_element(By.ID, "connection-save").click()
        wait.until(lambda d: d.find_element(By.ID, "connection-form-result").text)
        assert driver.find_element(By.ID, "connection-form-result").text == "Saved connection dbx_studio."
        wait.until(lambda d: d.find_element(By.ID, "secret-state-client_secret").text.startswith("set 20"))
        assert driver.find_element(By.ID, "secret-client_secret").get_attribute("value") == ""
        os.makedirs(os.environ.get("MORTAR_SCREENSHOTS", str(tmp_path)), exist_ok=True)
        driver.execute_script("document.getElementById('connection-form').scrollIntoView()")
        driver.save_screenshot(os.path.join(os.environ.get("MORTAR_SCREENSHOTS", str(tmp_path)),
                                            "connection-form.png"))
        # A setting the type refuses is reported, and nothing is saved.
        driver.find_element(By.ID, "param-cloudfetch_downloads").send_keys("99")
        driver.find_element(By.ID, "connection-save").click()
        wait.until(lambda d: "error" == d.find_element(By.ID, "connection-form-result").get_attribute("class"))
        assert "cloudfetch_downloads" in driver.find_element(By.ID, "connection-form-result").text
        driver.find_element(By.ID, "logout").click()
    saved = mortar.json("connection", "show", "dbx_studio")
    assert saved["params"]["auth"] == {"type": "oauth_user", "client_id": ws["oauth_client_id"]}
    assert saved["params"]["fast_write"] == {"volume": "/Volumes/main/default/staging",
                                             "path": "mortar-studio-staging"}
    assert "cloudfetch_downloads" not in saved["params"]
    assert ws["oauth_client_secret"] not in json.dumps(saved)
    mortar.run("connection", "grant", "dbx_studio", "free_sql", "--group", "analysts")

    # Not for a user who is not an admin, through the API either.
    api = site["server"].api
    assert api("GET", "/api/connections/dbx_studio/settings", key=site["keys"]["alice"])[0] == 403
    assert api("PUT", "/api/connections/dbx_studio/secrets/client_secret", {"value": "x"},
               key=site["keys"]["alice"])[0] == 403
    assert api("DELETE", "/api/connections/dbx_studio", key=site["keys"]["alice"])[0] == 403

    with browser.chromium(ws["ca_file"], tmp_path / "alice") as driver:
        from selenium.webdriver.support.ui import WebDriverWait
        wait = authorize_in_browser(driver, site, ws, "alice", ws["user"], ws["password"], "dbx_studio")
        assert not driver.find_elements(By.ID, "nav-connections")
        driver.find_element(By.ID, "test-dbx_studio").click()
        wait.until(lambda d: "works" in d.find_element(By.ID, "connection-result").text
                   or d.find_element(By.ID, "connection-result").get_attribute("class") == "error")
        result = driver.find_element(By.ID, "connection-result").text
        assert "Connection dbx_studio works" in result and "user " + ws["user"] in result, result


def test_two_users_get_their_own_identity_and_not_each_others(site, ws, tmp_path):
    server = site["server"]
    # Before bob authorizes, the connection refuses him and says what to do.
    status, body = server.api("POST", "/api/sql", {"connection": "dbx_user", "query": "SELECT 1"},
                              key=site["keys"]["bob"])
    assert status == 403, body
    assert "user 'bob' has not authorized Mortar yet" in body["error"], body
    assert "click Authorize next to dbx_user" in body["error"]
    # bob starts from the CLI: the URL it prints, then Mortar asks him to log in on return.
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    url = site["mortar"].run("connection", "authorize", "dbx_user", "--user", "bob").stdout.strip()
    with browser.chromium(ws["ca_file"], tmp_path) as driver:
        wait = WebDriverWait(driver, 30)
        driver.get(url)
        wait.until(lambda d: d.find_elements(By.ID, "username"))
        driver.find_element(By.ID, "username").send_keys(ws["user2"])
        driver.find_element(By.ID, "password").send_keys(ws["password2"])
        driver.find_element(By.ID, "submit").click()
        wait.until(lambda d: d.find_elements(By.ID, "login-error"))
        assert "Log into Mortar to finish" in driver.find_element(By.ID, "login-error").text
        driver.find_element(By.ID, "user").send_keys("bob")
        driver.find_element(By.ID, "password").send_keys(PASSWORDS["bob"])
        driver.find_element(By.ID, "login").click()
        # Started outside this browser: bob confirms that the grant is his.
        wait.until(lambda d: d.find_elements(By.ID, "confirm"))
        assert "Mortar user bob for connection dbx_user" in driver.find_element(By.ID, "confirm-text").text
        driver.find_element(By.ID, "confirm").click()
        wait.until(lambda d: "/?authorized=dbx_user" in d.current_url)
    for user, identity in (("alice", ws["user"]), ("bob", ws["user2"])):
        status, body = server.api("POST", "/api/sql",
                                  {"connection": "dbx_user", "query": "SELECT current_user()"},
                                  key=site["keys"][user])
        assert status == 200 and body["rows"] == [[identity]], (user, body)
        result = site["mortar"].run("sql", "dbx_user", "SELECT current_user() AS u", "--user", user,
                                    "--json")
        assert json.loads(result.stdout)["rows"] == [{"u": identity}]
    # carol has neither credential: nothing of alice's or bob's is used for her.
    result = site["mortar"].run("connection", "test", "dbx_user", "--user", "carol", check=False)
    assert result.returncode == 4, result.stderr
    assert "user 'carol' has not authorized Mortar yet" in result.stderr
    assert "mortar connection authorize dbx_user --user carol" in result.stderr
    # The per-user personal-access-token connection is the same: each enters their own.
    result = site["mortar"].run("sql", "dbx_pat", "SELECT current_user()", "--user", "carol", check=False)
    assert result.returncode == 4 and "mortar credentials set dbx_pat --user carol" in result.stderr
    site["mortar"].run("credentials", "set", "dbx_pat", "--user", "carol", input=ws["pat2"] + "\n")
    rows = site["mortar"].json("sql", "dbx_pat", "SELECT current_user() AS u", "--user", "carol")
    assert rows["rows"] == [{"u": ws["user2"]}]
    # An unknown API key gets nothing: 401, as the data API answers it.
    status, body = server.api("GET", "/api/connections", key="mk_nope_nope")
    assert status == 401 and body["code"] == "unauthenticated", body


def test_client_credentials(site, ws):
    rows = site["mortar"].json("sql", "dbx_m2m", "SELECT current_user() AS u")
    assert rows["rows"] == [{"u": ws["oauth_m2m_client_id"]}]


def test_databricks_variables_and_profiles_are_sources(site, ws, tmp_path):
    mortar = site["mortar"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    base["DATABRICKS_HOST"] = ws["url"]
    mortar.run("connection", "add", "from_env", "--type", "databricks",
               "--param", f"http_path={ws['http_path']}", "--param", f"ca_file={ws['ca_file']}",
               "--param", "auth.type=environment", env=base)
    with_token = {**base, "DATABRICKS_TOKEN": ws["pat"]}
    with_client = {**base, "DATABRICKS_CLIENT_ID": ws["oauth_m2m_client_id"],
                   "DATABRICKS_CLIENT_SECRET": ws["oauth_m2m_client_secret"]}
    for env, identity in ((with_token, ws["user"]), (with_client, ws["oauth_m2m_client_id"])):
        rows = mortar.json_env(env, "sql", "from_env", "SELECT current_user() AS u")
        assert rows["rows"] == [{"u": identity}]
    result = mortar.run("sql", "from_env", "SELECT 1", env=base, check=False)
    assert result.returncode == 4 and "neither DATABRICKS_TOKEN nor DATABRICKS_CLIENT_ID" in result.stderr
    config = tmp_path / "databrickscfg"
    config.write_text(f"[sp]\nhost = {ws['url']}\nclient_id = {ws['oauth_m2m_client_id']}\n"
                      f"client_secret = {ws['oauth_m2m_client_secret']}\n")
    os.chmod(config, 0o600)
    mortar.run("connection", "add", "from_profile", "--type", "databricks",
               "--param", f"http_path={ws['http_path']}", "--param", f"ca_file={ws['ca_file']}",
               "--param", "auth.type=profile", "--param", "auth.profile=sp",
               env={**base, "DATABRICKS_CONFIG_FILE": str(config)})
    rows = mortar.json_env({**base, "DATABRICKS_CONFIG_FILE": str(config)},
                           "sql", "from_profile", "SELECT current_user() AS u")
    assert rows["rows"] == [{"u": ws["oauth_m2m_client_id"]}]


def test_a_token_expiring_mid_run_is_renewed_unnoticed(site, ws):
    client = ws["oauth_m2m_short_client_id"]
    before = token_requests(ws, client, "client_credentials")
    server, key = site["server"], site["keys"]["alice"]
    ttl = ws["short_access_token_ttl"]
    deadline = time.time() + 3 * ttl + 1
    queries = 0
    while time.time() < deadline:  # one long-lived process, tokens of a few seconds
        status, body = server.api("POST", "/api/sql", {"connection": "dbx_m2m_short",
                                                        "query": "SELECT 1 AS one"}, key=key)
        assert status == 200 and body["rows"] == [["1"]], body
        queries += 1
    after = token_requests(ws, client, "client_credentials")
    assert after - before >= 2, queries


def test_twenty_concurrent_queries_make_one_refresh(site, ws, tmp_path):
    client = ws["oauth_short_client_id"]
    with browser.chromium(ws["ca_file"], tmp_path) as driver:
        authorize_in_browser(driver, site, ws, "alice", ws["user"], ws["password"], "dbx_short")
    authorized = time.time()
    vault = site["mortar"].home / "security" / "vault.json"
    shutil.copy(vault, site["root"] / "vault-before-refresh.json")
    ttl = ws["short_u2m_access_token_ttl"]
    # Mortar renews a token once half its life has passed: wait until then.
    time.sleep(max(0.0, authorized + ttl / 2 + 1 - time.time()))
    before = token_requests(ws, client, "refresh_token")
    server, key = site["server"], site["keys"]["alice"]
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda i: server.api(
            "POST", "/api/sql", {"connection": "dbx_short", "query": f"SELECT {i} AS i"}, key=key),
            range(20)))
    elapsed = time.time() - started
    assert all(status == 200 for status, _ in answers), answers
    assert sorted(int(body["rows"][0][0]) for _, body in answers) == list(range(20))
    after = token_requests(ws, client, "refresh_token")
    # One refresh for all twenty; on a machine so busy that the queries outlast half of
    # the renewed token's life, one more per half-life, and never one per query.
    allowed = 1 + int(elapsed // (ttl / 2))
    assert 1 <= after - before <= allowed < 20, (after - before, elapsed)
    entry = next(c for c in site["mortar"].json("credentials", "list", "--user", "alice")
                 if c["connection"] == "dbx_short")
    assert entry["refreshed_at"] >= entry["authorized_at"]


# A Databricks Connect session that outlives the user's access token (the tokens of
# dbx_short live a few tens of seconds): databricks-connect asks Mortar again, Mortar
# renews with the user's refresh token, which the recipe never sees.
LONG_SESSION = """
import time
import mortar
from mortar import DatabricksConnect

dbc = DatabricksConnect()
spark = dbc.get_session("dbx_short")
deadline = time.time() + {seconds}
while time.time() < deadline:
    assert spark.range(10).count() == 10
    time.sleep(1)
dbc.write_with_schema(mortar.Dataset("numbers"), spark.range(3))
print("session still answers", spark.sql("SELECT 1 AS one").collect()[0].one)
"""


def test_a_databricks_connect_session_lives_on_the_users_renewed_tokens(site, ws):
    mortar = site["mortar"]
    mortar.run("connection", "set", "dbx_short", "--param", f"cluster_id={ws['cluster_id']}",
               "--param", "details_readable_by.mode=analysts")
    mortar.run("connection", "grant", "dbx_short", "use", "--group", "analysts")
    mortar.run("project", "create", "connect")
    mortar.run("project", "grant", "connect", "group", "analysts", "--role", "write")
    project = mortar.home / "projects" / "connect"
    table = "auth_connect_" + str(int(time.time()))
    write_json(project / "datasets" / "numbers.json",
               {"name": "numbers", "connection": "dbx_short", "type": "sql_table", "params": {"table": table}})
    ttl = ws["short_u2m_access_token_ttl"]
    write_json(project / "recipes" / "count.json",
               {"name": "count", "type": "python", "inputs": [], "outputs": ["numbers"],
                "params": {"code": LONG_SESSION.format(seconds=ttl + 5)}})
    before = token_requests(ws, ws["oauth_short_client_id"], "refresh_token")
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "MORTAR_PYTHON": ws["databricks_connect_python"]}
    mortar.run("build", "numbers", "--project", "connect", "--user", "alice", env=env)
    assert token_requests(ws, ws["oauth_short_client_id"], "refresh_token") > before
    rows = mortar.json("sql", "dbx_short", f"SELECT COUNT(*) AS n FROM {table}", "--user", "alice")
    assert rows["rows"] == [{"n": 3}], rows


def test_a_revoked_refresh_token_says_to_authorize_again(site, ws):
    # The vault from before the refresh holds a refresh token the provider has since
    # rotated away; using it again is refused (and the provider revokes the grant).
    shutil.copy(site["root"] / "vault-before-refresh.json",
                site["mortar"].home / "security" / "vault.json")
    result = site["mortar"].run("sql", "dbx_short", "SELECT 1", "--user", "alice", check=False)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "the refresh token is expired or revoked" in result.stderr
    assert "authorize again" in result.stderr
    assert "mortar connection authorize dbx_short --user alice" in result.stderr


def test_a_wrong_state_or_redirect_is_refused(site, ws):
    server = site["server"]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, _ = server.api("POST", "/api/login", {"user": "alice", "password": PASSWORDS["alice"]},
                           opener=opener)
    assert status == 200
    # A state Mortar never issued (a forged or replayed callback).
    status, page = server.api("GET", "/api/oauth2-callback?code=abc&state=forged-state", opener=opener)
    assert status == 400 and "state does not match" in page
    # A real state, used twice: the second time is refused.
    status, body = server.api("POST", "/api/connections/dbx_user/authorize", opener=opener,
                              headers={"X-Mortar-Request": "1"})
    assert status == 200, body
    state = urllib.parse.parse_qs(urllib.parse.urlparse(body["url"]).query)["state"][0]
    status, page = server.api("GET", f"/api/oauth2-callback?code=abc&state={state}", opener=opener)
    assert status != 200 or "Authorization failed" in page
    status, page = server.api("GET", f"/api/oauth2-callback?code=abc&state={state}", opener=opener)
    assert status == 400 and "state does not match" in page
    # A confirmation that was never offered, or posted from another site, is refused.
    status, page = server.api("POST", "/api/oauth2-confirm", opener=opener,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and "unknown or has expired" in page
    status, page = server.api("POST", "/api/oauth2-confirm", opener=opener,
                              headers={"Origin": "https://evil.example"})
    assert status == 403
    # Without the page's header, a cookie session cannot start a grant (cross-site requests).
    status, body = server.api("POST", "/api/connections/dbx_user/authorize", opener=opener)
    assert status == 403 and "X-Mortar-Request" in body["error"]
    # A server whose callback is not registered: the provider refuses the redirect.
    other = Server(site["mortar"].home, WRONG_PORT, site["root"] / "wrong-server.log")
    try:
        status, body = other.api("POST", "/api/connections/dbx_user/authorize", key=site["keys"]["alice"])
        assert status == 200, body
        assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{WRONG_PORT}" in body["url"]
        import ssl
        context = ssl.create_default_context(cafile=ws["ca_file"])
        try:
            urllib.request.urlopen(body["url"], context=context, timeout=30)
            raise AssertionError("the provider accepted an unregistered redirect")
        except urllib.error.HTTPError as error:
            assert error.code == 400, error.code
            assert "redirect_uri" in error.read().decode()
    finally:
        other.stop()


def test_zz_no_secret_leaks(site, ws):
    """Every secret used above: none in the data directory's files (the vault holds them
    encrypted), the server's log, job logs, outputs, or the server's command line."""
    site["server"].stop()
    secrets = [ws[k] for k in ("pat", "pat2", "password", "password2", "oauth_client_secret",
                               "oauth_short_client_secret", "oauth_m2m_client_secret",
                               "oauth_m2m_short_client_secret")]
    secrets += list(PASSWORDS.values()) + [key.split("_", 2)[2] for key in site["keys"].values()]
    texts = {"outputs": "\n".join(Recorder.transcript)}
    for path in site["root"].rglob("*"):  # the data directory and the servers' logs
        if path.is_file():
            texts[str(path)] = path.read_text(errors="replace")
    leaks = [(name, secret[:4] + "…") for name, text in texts.items() for secret in secrets
             if secret and secret in text]
    assert not leaks, leaks
    # Tokens the provider issued appear nowhere either: they look like JWTs or opaque
    # strings of 43 characters; none may sit in a log line.
    log = (site["root"] / "server.log").read_text()
    assert not re.search(r"eyJ[A-Za-z0-9_-]{20,}", log)
    assert "code=" not in log and "state=" not in log
