"""The stand-in warehouse's admin endpoint (faults, settings, the calls served), for the
stand-in's smoke tests and Mortar's integration tests."""
import json
import urllib.request


def warehouse_admin(ws, method, path, body=None):
    request = urllib.request.Request(
        ws["warehouse_admin_url"] + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {ws['warehouse_admin_token']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
