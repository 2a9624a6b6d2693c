"""The stand-in's Azurite container: reached directly with its SAS token (not through
Mortar), to put blobs before a test and to check what a test left there; and an
azure_blob connection of Mortar's on it."""
import urllib.parse
import urllib.request

WRONG_KEY = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXk="


class Hidden(str):
    """A secret that a failed test's traceback shows as <secret>."""

    def __repr__(self):
        return "<secret>"


def add_azure(mortar, ws, name="azstage", container=None, retry_seconds=None, **secrets):
    """Adds (or replaces) an azure_blob connection on the container, with these secrets."""
    retry = ["--param", f"retry_seconds={retry_seconds}"] if retry_seconds is not None else []
    mortar.run("connection", "add", name, "--type", "azure_blob", "--replace",
               "--param", f"account={ws['azure_account']}",
               "--param", f"container={container or ws['azure_container']}",
               "--param", f"endpoint={ws['azure_endpoint']}", *retry)
    for field, value in secrets.items():
        mortar.run("connection", "set-secret", name, field, input=Hidden(value + "\n"))


def _url(ws, name="", query=""):
    path = f"/{urllib.parse.quote(name)}" if name else ""
    return f"{ws['azure_endpoint']}/{ws['azure_container']}{path}?{query}{'&' if query else ''}{ws['azure_sas']}"


def blobs(ws, prefix):
    """The names of the blobs under the prefix."""
    query = f"restype=container&comp=list&prefix={urllib.parse.quote(prefix, safe='')}"
    with urllib.request.urlopen(_url(ws, query=query), timeout=30) as r:
        body = r.read().decode()
    return [part.split("</Name>")[0] for part in body.split("<Name>")[1:]]


def put(ws, name, data):
    request = urllib.request.Request(_url(ws, name), data=data, method="PUT",
                                     headers={"x-ms-blob-type": "BlockBlob",
                                              "Content-Type": "application/octet-stream"})
    urllib.request.urlopen(request, timeout=30).read()


def get(ws, name):
    with urllib.request.urlopen(_url(ws, name), timeout=30) as r:
        return r.read()
