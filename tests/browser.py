"""Headless Chromium for the tests that need a real browser (OAuth logins), driven
through Selenium and Debian's chromium-driver; `scripts/workspace test-deps` installs
them when missing. The browser trusts the stand-in's CA through an NSS database of its
own, so its TLS checks stay on; pages Mortar serves on 127.0.0.1 need no CA."""
import contextlib
import os
import shutil
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts", "workspace")
TOOLS = ("chromium", "chromedriver", "certutil")


@contextlib.contextmanager
def chromium(ca_file, tmp_path):
    if not all(shutil.which(t) for t in TOOLS):
        subprocess.run([sys.executable, SCRIPT, "test-deps"], check=False)
    if not all(shutil.which(t) for t in TOOLS):
        pytest.fail("chromium, chromium-driver or certutil missing: run `scripts/workspace test-deps`")
    home = tmp_path / "browser-home"
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    if ca_file:  # None: pages on plain http://127.0.0.1 only
        subprocess.run(["certutil", "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
        subprocess.run(["certutil", "-d", f"sql:{nssdb}", "-A", "-n", "mortar-workspace-ca",
                        "-t", "C,,", "-i", ca_file], check=True)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path / 'browser-profile'}"):
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver"),
                      env={**os.environ, "HOME": str(home)})
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
