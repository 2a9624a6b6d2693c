"""OAuth: discovery, client credentials (M2M), expiry, authorization code + PKCE (U2M) in Chromium."""
import base64
import hashlib
import http.server
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import browser
from conftest import bearer, http_json


def test_discovery_documents(ws, tls):
    for suffix in ("oauth-authorization-server", "openid-configuration"):
        url = ws["oauth_issuer"] + "/.well-known/" + suffix
        status, doc = http_json(url, tls)
        assert status == 200
        assert doc["issuer"] == ws["oauth_issuer"]
        assert doc["authorization_endpoint"] == ws["oauth_authorize_url"]
        assert doc["token_endpoint"] == ws["oauth_token_url"]
        assert doc["code_challenge_methods_supported"] == ["S256"]


def test_client_credentials_token_works(ws, thrift, client_credentials_token):
    token = client_credentials_token()
    assert token["token_type"] == "Bearer" and token["expires_in"] > 60
    rows = thrift.query(bearer(token["access_token"]), "SELECT current_user()")
    assert rows == [(ws["oauth_m2m_client_id"],)]


def test_wrong_client_secret_is_refused(ws, tls):
    status, body = http_json(ws["oauth_token_url"], tls,
                             data={"grant_type": "client_credentials", "scope": "sql"},
                             auth=(ws["oauth_m2m_client_id"], "wrong"))
    assert status == 401 and body["error"] == "invalid_client"


def test_expired_token_is_refused(ws, thrift, client_credentials_token):
    # The token lives a few seconds; each request of the query is checked, so on a busy
    # machine a query may outlast it: then it is tried again with a new token.
    for attempt in range(3):
        token = client_credentials_token(ws["oauth_m2m_short_client_id"], ws["oauth_m2m_short_client_secret"])
        issued = time.monotonic()
        ttl = token["expires_in"]
        assert ttl <= 30, "the short-lived client should issue tokens of a few seconds"
        try:
            assert thrift.query(bearer(token["access_token"]), "SELECT 1") == [(1,)]
            break
        except Exception:
            if attempt == 2 or time.monotonic() - issued < ttl:
                raise
    time.sleep(ttl + 1.5)
    assert thrift.refused_status(bearer(token["access_token"])) == 401


def test_introspection_reports_inactive_for_garbage(ws, tls):
    status, body = http_json(ws["oauth_introspection_url"], tls, data={"token": "garbage"},
                             auth=(ws["oauth_introspection_client_id"], ws["oauth_introspection_client_secret"]))
    assert status == 200 and body == {"active": False}


class _Callback(http.server.BaseHTTPRequestHandler):
    received = {}

    def do_GET(self):
        query = urllib.parse.urlparse(self.path).query
        _Callback.received.update(urllib.parse.parse_qs(query))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body id='done'>Signed in. You can close this tab.</body></html>")

    def log_message(self, *args):
        pass


@pytest.fixture
def callback_server(ws):
    uris = ws["oauth_redirect_uris"].split()
    uri = next((u for u in uris if u.startswith("http://127.0.0.1:")), None)
    if uri is None:
        pytest.skip("no http://127.0.0.1:<port>/... redirect URI registered (MORTAR_WS_REDIRECT_URIS)")
    port = urllib.parse.urlparse(uri).port
    _Callback.received = {}
    try:
        server = http.server.HTTPServer(("127.0.0.1", port), _Callback)
    except OSError:
        pytest.skip(f"port {port} of redirect URI {uri} is in use")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield uri
    server.shutdown()
    server.server_close()


@pytest.fixture
def chromium(ws, tmp_path):
    with browser.chromium(ws["ca_file"], tmp_path) as driver:
        yield driver


def test_authorization_code_with_pkce_in_a_browser(ws, tls, thrift, callback_server, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    url = ws["oauth_authorize_url"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": ws["oauth_client_id"], "redirect_uri": callback_server,
        "scope": ws["oauth_scope"], "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256"})
    chromium.get(url)
    try:
        WebDriverWait(chromium, 20).until(lambda d: d.find_elements(By.ID, "username"))
    except Exception:
        raise AssertionError(f"no login page at {chromium.current_url}: {chromium.page_source[:2000]}")

    chromium.find_element(By.ID, "username").send_keys(ws["user"])
    chromium.find_element(By.ID, "password").send_keys("not-the-password")
    chromium.find_element(By.ID, "submit").click()
    WebDriverWait(chromium, 20).until(lambda d: d.find_elements(By.ID, "error"))

    chromium.find_element(By.ID, "username").send_keys(ws["user"])
    chromium.find_element(By.ID, "password").send_keys(ws["password"])
    chromium.find_element(By.ID, "submit").click()
    try:
        WebDriverWait(chromium, 20).until(lambda d: "code" in _Callback.received or "error" in _Callback.received)
    except Exception:
        raise AssertionError(f"no redirect; browser at {chromium.current_url}: {chromium.page_source[:2000]}")

    assert _Callback.received.get("state") == [state], _Callback.received
    code = _Callback.received["code"][0]
    client = (ws["oauth_client_id"], ws["oauth_client_secret"])

    # Without the verifier the code is useless.
    status, body = http_json(ws["oauth_token_url"], tls, auth=client, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback_server,
        "code_verifier": secrets.token_urlsafe(48)})
    assert status == 400 and body["error"] == "invalid_grant"
    # (a failed redemption attempt does not burn the code in oidc-provider; the real one follows)
    status, tokens = http_json(ws["oauth_token_url"], tls, auth=client, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback_server,
        "code_verifier": verifier})
    assert status == 200, tokens
    assert "sql" in tokens["scope"].split()
    assert tokens.get("refresh_token"), "offline_access should yield a refresh token"

    assert thrift.query(bearer(tokens["access_token"]), "SELECT current_user()") == [(ws["user"],)]

    # Rotation: a refresh returns a new refresh token, and the old one dies.
    status, refreshed = http_json(ws["oauth_token_url"], tls, auth=client, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert status == 200, refreshed
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    assert thrift.query(bearer(refreshed["access_token"]), "SELECT 1") == [(1,)]
    status, body = http_json(ws["oauth_token_url"], tls, auth=client, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert status == 400 and body["error"] == "invalid_grant"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("pkce", [{}, {"code_challenge": "x" * 43, "code_challenge_method": "plain"}])
def test_authorization_requires_pkce_s256(ws, tls, pkce):
    redirect = ws["oauth_redirect_uris"].split()[0]
    url = ws["oauth_authorize_url"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": ws["oauth_client_id"], "redirect_uri": redirect,
        "scope": ws["oauth_scope"], "state": "s", **pkce})
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=tls))
    try:
        opener.open(url, timeout=10)
        raise AssertionError("authorization without PKCE S256 was not refused")
    except urllib.error.HTTPError as e:
        assert e.code in (302, 303), e.code
        query = urllib.parse.parse_qs(urllib.parse.urlparse(e.headers["Location"]).query)
        assert query["error"] == ["invalid_request"], query
