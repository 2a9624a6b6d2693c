#!/usr/bin/env python3
"""Scans files and folders for the stand-in's secrets (tokens, passwords, client
secrets, storage keys), after a test run: none may appear in Mortar's logs, outputs,
data directories or the tests' own output.

    scan_secrets.py PATH... [--allow GLOB ...]

--allow names files that hold a secret on purpose (token files the tests hand to
Mortar, a ~/.databrickscfg written for a test). Exit status 1 lists each leak as the
file and the secret's name, never the secret."""
import fnmatch
import json
import os
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "workspace")
SECRET_SUFFIXES = ("secret", "password", "password2", "pat", "pat2", "token", "_key", "sas")


def workspace_secrets():
    settings = json.loads(subprocess.run([sys.executable, SCRIPT, "env", "--json"], check=True,
                                         text=True, stdout=subprocess.PIPE).stdout)
    return {name: value for name, value in settings.items()
            if isinstance(value, str) and len(value) >= 8 and name.endswith(SECRET_SUFFIXES)}


def files(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
        for root, _, names in os.walk(path):
            for name in names:
                yield os.path.join(root, name)


def main(argv):
    allow = [argv[i + 1] for i, a in enumerate(argv) if a == "--allow"]
    paths = [a for i, a in enumerate(argv) if a != "--allow" and (i == 0 or argv[i - 1] != "--allow")]
    secrets = workspace_secrets()
    leaks, scanned = [], 0
    for path in files(paths):
        if any(fnmatch.fnmatch(os.path.basename(path), pattern) for pattern in allow):
            continue
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        scanned += 1
        for name, value in secrets.items():
            if value.encode() in data:
                leaks.append(f"{path}: {name}")
    if leaks:
        print("secrets leaked:\n  " + "\n  ".join(leaks))
        return 1
    print(f"secret scan: {len(secrets)} secrets, {scanned} files, no leak")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
