"""Screenshots of the main screens for the README, taken in headless Chromium against a running demo
database (``./setup/run``), logged in as each role's demo user.

    .venv/bin/python docs/screenshots/take.py [--url http://localhost:8069] [--db iso_records]

Chromium is driven over the DevTools protocol with websocket-client (in the virtual environment)."""

import argparse
import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

HERE = Path(__file__).resolve().parent
HEAT_MAP_READY = ".o_action_manager .o_action table"
# (file, login, path, what must be on the page before the shot)
SHOTS = [
    ("overview.png", "sharlene", "/odoo/iso-overview", ".o_iso_overview [data-tile='reviews_overdue']"),
    (
        "evidence-map.png",
        "iris",
        "/odoo/action-iso_records.iso_evidence_map_action",
        ".o_iso_evidence_map tr[data-clause-code]",
    ),
    ("self-check.png", "admin", "/odoo/action-iso_records.iso_self_check_action", ".o_data_row"),
    ("records-waiting-for-me.png", "admin", "/odoo/action-iso_records.iso_record_action_waiting", ".o_data_row"),
    ("record-approval.png", "admin", "/odoo/action-iso_records.iso_record_action_waiting", ".o_data_row"),
    (
        "my-profile.png",
        "ronnie",
        "/odoo/action-hr.res_users_action_my/{ronnie}",
        "button[name='action_file_iso_record']",
    ),
    ("my-records.png", "ronnie", "/odoo/action-iso_records.iso_record_action_mine", ".o_data_row"),
    ("trainings.png", "sharlene", "/odoo/action-iso_records.iso_record_action_training", ".o_data_row"),
    (
        "clause-evidence.png",
        "iris",
        "/odoo/action-iso_records.iso_clause_action/{clause_9_2_2}",
        "button[name='action_view_records']",
    ),
    ("risk-heat-map.png", "sharlene", "/odoo/action-iso_records.iso_risk_heat_map_action", HEAT_MAP_READY),
    ("records-due.png", "admin", "/odoo/action-iso_records.iso_record_action_retention_due", ".o_list_view"),
    ("disposal-batch.png", "admin", "/odoo/action-iso_records.iso_disposal_batch_action", ".o_data_row"),
]
# Clicks made after loading a page, to reach the screen shown.
# Rows clicked after loading a page, to reach the screen shown: the first row whose text has these words.
FOLLOW_UP = {"record-approval.png": "In Review", "disposal-batch.png": "Done", "self-check.png": "Manual"}
# Record ids looked up over JSON-RPC as the logged-in user, for paths that open one record.
LOOKUPS = {
    "clause_9_2_2": ("iso.clause", [["number", "=", "9.2.2"], ["standard_id.name", "ilike", "9001"]]),
    "ronnie": ("res.users", [["login", "=", "ronnie"]]),
}


class Browser:
    def __init__(self, chromium):
        port = _free_port()
        self.profile = tempfile.mkdtemp(prefix="iso-shots-")
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1440,900",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as answer:
                    pages = [page for page in json.load(answer) if page["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.sequence = 0
        self.call("Page.enable")

    def call(self, method, **params):
        self.sequence += 1
        self.socket.send(json.dumps({"id": self.sequence, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.sequence:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        return result.get("result", {}).get("value")

    def lookup(self, model, domain):
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": "search", "args": [domain], "kwargs": {"limit": 1}},
        }
        return self.evaluate(
            "fetch('/web/dataset/call_kw', {method: 'POST', headers: {'Content-Type': 'application/json'}, "
            f"body: JSON.stringify({json.dumps(body)})}}).then((answer) => answer.json())"
            ".then((data) => data.result[0])"
        )

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def wait_for(self, condition, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"Boolean({condition})"):
                return
            time.sleep(0.3)
        self.shot(HERE / "timeout.png")
        raise TimeoutError(condition)

    def shot(self, target):
        time.sleep(1.0)  # let animations and lazy widgets settle
        data = self.call("Page.captureScreenshot", format="png")["data"]
        target.write_bytes(base64.b64decode(data))

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _selector(css):
    return json.dumps(css)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="iso_records")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--only", nargs="*", help="file names of the shots to take again (all by default)")
    options = parser.parse_args()
    passwords = {"admin": "admin", "ronnie": "ronnie", "sharlene": "sharlene", "iris": "iris"}
    by_login = {}
    for file_name, login, path, ready in SHOTS:
        if options.only and file_name not in options.only:
            continue
        by_login.setdefault(login, []).append((file_name, path, ready))
    for login, shots in by_login.items():
        browser = Browser(options.chromium)
        try:
            browser.goto(f"{options.url}/web/login?db={options.db}")
            browser.evaluate(
                f"document.querySelector('#login').value = {_selector(login)};"
                f"document.querySelector('#password').value = {_selector(passwords[login])};"
                "document.querySelector('form.oe_login_form').submit();"
            )
            browser.wait_for("document.querySelector('.o_main_navbar')")
            for file_name, path, ready in shots:
                ids = {name: browser.lookup(*LOOKUPS[name]) for name in LOOKUPS if f"{{{name}}}" in path}
                browser.goto(f"{options.url}{path.format(**ids)}")
                browser.wait_for(f"document.querySelector({_selector(ready)})")
                click = FOLLOW_UP.get(file_name)
                if click:
                    browser.evaluate(
                        "[...document.querySelectorAll('.o_data_row')]"
                        f".find((row) => row.textContent.includes({_selector(click)}))"
                        ".querySelector('td.o_data_cell').click()"
                    )
                    browser.wait_for("document.querySelector('.o_form_view')")
                browser.shot(HERE / file_name)
                print(f"{file_name}: {login} {path}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
