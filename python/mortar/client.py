"""The HTTP client of Mortar's data API: where the server is, who we are, and the
requests. Rows travel as Arrow IPC streams read straight from the response."""
import http.client
import json
import os
import urllib.parse

from .errors import ConfigurationError, MortarError, error_for

ARROW_STREAM = "application/vnd.apache.arrow.stream"


class Client:
    """One Mortar server, one project, one ticket or API key.

    In a code recipe Mortar sets MORTAR_API_URL, MORTAR_TICKET and MORTAR_PROJECT.
    In a notebook, set MORTAR_API_URL (the `mortar serve` address), MORTAR_API_KEY and
    MORTAR_PROJECT, or pass them here.
    """

    def __init__(self, url=None, project=None, ticket=None, api_key=None):
        self.url = (url or os.environ.get("MORTAR_API_URL") or "").rstrip("/")
        self.project = project or os.environ.get("MORTAR_PROJECT")
        self._secret = ticket or api_key or os.environ.get("MORTAR_TICKET") or os.environ.get("MORTAR_API_KEY")
        if not self.url:
            raise ConfigurationError("MORTAR_API_URL is not set: run this code as a Mortar python "
                                     "recipe, or set it to the address of 'mortar serve'")
        if not self._secret:
            raise ConfigurationError("no credentials: set MORTAR_API_KEY (create a key with "
                                     "'mortar api-key create'); recipes get MORTAR_TICKET from Mortar")
        if not self.project:
            raise ConfigurationError("MORTAR_PROJECT is not set: name the project")
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigurationError(f"MORTAR_API_URL is not an http(s) URL: {self.url!r}")
        self._parsed = parsed

    def __repr__(self):
        # Never the ticket or the key.
        return f"Client(url={self.url!r}, project={self.project!r})"

    def connect(self):
        cls = http.client.HTTPSConnection if self._parsed.scheme == "https" else http.client.HTTPConnection
        return cls(self._parsed.hostname, self._parsed.port, timeout=3600)

    def path(self, *parts, **query):
        quoted = "/".join(urllib.parse.quote(str(part), safe="") for part in parts)
        path = f"{self._parsed.path.rstrip('/')}/api/projects/{urllib.parse.quote(self.project, safe='')}/{quoted}"
        query = {key: value for key, value in query.items() if value is not None}
        return path + ("?" + urllib.parse.urlencode(query) if query else "")

    def headers(self, **extra):
        return {"Authorization": f"Bearer {self._secret}", **extra}

    def check(self, response):
        """Raises the MortarError of an error reply."""
        if response.status < 400:
            return response
        raw = response.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"error": raw.decode("utf-8", "replace")[:500]}
        raise error_for(response.status, body)

    def json(self, method, path, body=None):
        connection = self.connect()
        try:
            payload = None if body is None else json.dumps(body).encode()
            connection.request(method, path, body=payload,
                               headers=self.headers(**({"Content-Type": "application/json"} if payload else {})))
            response = self.check(connection.getresponse())
            return json.loads(response.read())
        finally:
            connection.close()

    def stream(self, method, path, body=None):
        """An open response whose body is an Arrow IPC stream (the caller closes it)."""
        connection = self.connect()
        payload = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=payload,
                           headers=self.headers(Accept=ARROW_STREAM,
                                                **({"Content-Type": "application/json"} if payload else {})))
        response = connection.getresponse()
        try:
            self.check(response)
        except MortarError:
            connection.close()
            raise
        return connection, response


_default = None


def default_client():
    global _default
    if _default is None:
        _default = Client()
    return _default
