"""Screenshots of the product for the README, from the demo database.

Start the product first (``./dev run``), then::

    .venv/bin/python tools/screenshots.py [--url http://127.0.0.1:8069]

It logs in as the demo users, opens the pages in headless Chromium (Debian's
``chromium``) through the DevTools protocol and writes PNG files to
``docs/screenshots/``.
"""

import argparse
import base64
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

# A command-line script: it reports on stdout.
# pylint: disable=print-used

REPO = pathlib.Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
SHOTS = [
    # (file, login, path, selector that shows the page is ready)
    (
        "board.png",
        "regisseur",
        "/odoo/action-ondermijning_signalen.ondermijning_signaal_action",
        ".o_kanban_record",
    ),
    (
        "signal-form.png",
        "regisseur",
        "/odoo/action-ondermijning_signalen.ondermijning_signaal_action",
        ".o_kanban_record",
    ),
    (
        "dashboard.png",
        "analist",
        "/odoo/action-ondermijning_rapportage.ondermijning_statistiek_action",
        ".o_graph_renderer canvas, .o_pivot table",
    ),
]
# Each role's home (where the user lands after login), at desktop and at
# phone width: (role, login, selector that shows the home is ready).
HOMES = [
    ("melder", "melder", ".o_list_view"),
    ("medewerker", "regisseur", ".o_kanban_record"),
    ("privacy", "privacy", ".o_kanban_view"),
    ("team", "team", ".o_kanban_record"),
    ("overleg", "politie", ".o_form_view"),
    ("afdeling", "afdeling", ".o_list_view"),
    ("beheerder", "beheerder", ".o_list_view"),
    ("analist", "analist", ".o_spreadsheet_dashboard_action canvas"),
]
SIZES = {"desktop": (1440, 900, False), "phone": (390, 844, True)}


def login(url, user, db="ondermijning"):
    request = urllib.request.Request(
        f"{url}/web/session/authenticate",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "params": {"db": db, "login": user, "password": user},
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
        if body.get("error") or not body.get("result", {}).get("uid"):
            sys.exit(f"screenshots: cannot log in as {user}: {body.get('error')}")
        cookie = response.headers.get("Set-Cookie", "")
    return cookie.split("session_id=", 1)[1].split(";", 1)[0]


class Chrome:
    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            sys.exit("screenshots: Chromium not found (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="ondermijning-shots-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-sync",
                "--disable-component-update",
                "--hide-scrollbars",
                "--window-size=1440,900",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = pathlib.Path(self.profile) / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/json", timeout=10
        ) as response:
            page = next(t for t in json.loads(response.read()) if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True
        )
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.send(
                "Runtime.evaluate",
                expression=f"!!document.querySelector({json.dumps(selector)})",
                returnByValue=True,
            )
            if found.get("result", {}).get("value"):
                time.sleep(1.0)  # let the page settle (fonts, charts)
                return
            time.sleep(0.3)
        raise TimeoutError(selector)

    def open_as(self, url, user, db, path):
        """A fresh session of ``user``, then ``path``."""
        self.send("Network.clearBrowserCookies")
        self.send(
            "Network.setCookie",
            name="session_id",
            value=login(url, user, db),
            url=url,
        )
        self.send("Page.navigate", url=url + path)

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="ondermijning")
    parser.add_argument(
        "--homes-only", action="store_true", help="only the homes of the roles"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    chrome = Chrome()
    try:
        chrome.send("Page.enable")
        for name, user, path, selector in [] if args.homes_only else SHOTS:
            chrome.send("Network.enable")
            chrome.open_as(args.url, user, args.db, path)
            chrome.wait_for(selector)
            if name == "signal-form.png":
                chrome.send(
                    "Runtime.evaluate",
                    expression=(
                        "document.querySelector("
                        "'.o_kanban_group:nth-child(4) .o_kanban_record, "
                        ".o_kanban_record').click()"
                    ),
                )
                chrome.wait_for(".o_form_view .o_statusbar_status")
            shot = chrome.send("Page.captureScreenshot", format="png")
            (OUT / name).write_bytes(base64.b64decode(shot["data"]))
            print(f"screenshots: {OUT / name}")
        for role, user, selector in HOMES:
            for size, (width, height, mobile) in SIZES.items():
                chrome.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=width,
                    height=height,
                    deviceScaleFactor=1,
                    mobile=mobile,
                )
                # /odoo without an action: the user's home action
                chrome.open_as(args.url, user, args.db, "/odoo")
                chrome.wait_for(selector)
                shot = chrome.send("Page.captureScreenshot", format="png")
                path = OUT / f"home-{role}-{size}.png"
                path.write_bytes(base64.b64decode(shot["data"]))
                print(f"screenshots: {path}")
        chrome.send("Emulation.clearDeviceMetricsOverride")
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
