"""Production mode: Odoo started as it is deployed (odoo-bin --workers=2, the configuration and virtual
environment of setup/run) serves HTTP from its prefork workers and websockets from its gevent worker.

The gevent worker is a separate process that the prefork master respawns whenever it dies; an environment
in which it cannot start (gevent failing to load its plugins, as with a pkg_resources too old for the
installed zope.interface) leaves HTTP working and the bus dead, with a traceback per respawn in the log.
Odoo runs here in a subprocess of its own, on free ports, against the database given to pytest-odoo
(which has iso_records installed), without cron workers so that nothing changes that database.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import websocket

from odoo import sql_db
from odoo.tools import config

START_TIMEOUT = 90
# How long the log is watched once both workers answered: the master respawns a dead gevent worker at once.
QUIET_PERIOD = 3
STOP_TIMEOUT = 30
GEVENT_STARTED = "Evented Service (longpolling) running on"
BAD_LOG_LINE = re.compile(r"Traceback|DistributionNotFound|^\S+ \S+ \d+ (ERROR|CRITICAL) ", re.MULTILINE)


def _fail(message):
    pytest.fail(message, pytrace=False)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _odoo_bin():
    """The odoo-bin of the Odoo this process imported (setup/install links it as odoo-source in the venv too)."""
    for source in (Path(sql_db.__file__).resolve().parents[1], Path(sys.prefix) / "odoo-source"):
        if (source / "odoo-bin").is_file():
            return source.resolve() / "odoo-bin"
    return _fail(f"odoo-bin not found beside the odoo package nor in {sys.prefix}/odoo-source")


def _database_with_iso_records():
    database = config["db_name"]
    if not database or "," in database:
        _fail(f"run this test under pytest-odoo with one database (--odoo-database), not {database!r}")
    with sql_db.db_connect(database).cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = 'iso_records'")
        state = (cr.fetchone() or [None])[0]
    if state != "installed":
        _fail(f"iso_records is not installed in database {database} (state {state!r})")
    return database


class PreforkOdoo:
    """odoo-bin --workers=2 in its own process group; its log and its stderr (where a worker that dies
    before logging is set up writes its traceback) go to one file."""

    def __init__(self, workdir, database):
        self.http_port = _free_port()
        self.gevent_port = _free_port()
        while self.gevent_port == self.http_port:
            self.gevent_port = _free_port()
        self.log = workdir / "odoo.log"
        self.command = [
            sys.executable,
            str(_odoo_bin()),
            "-c",
            config.rcfile,
            "-d",
            database,
            f"--db-filter=^{re.escape(database)}$",
            "--workers=2",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={self.http_port}",
            f"--gevent-port={self.gevent_port}",
            f"--logfile={self.log}",
            "--log-level=info",
        ]
        self.process = None

    def start(self):
        with open(self.log.with_suffix(".stderr"), "wb") as stderr:
            self.process = subprocess.Popen(
                self.command, stdin=subprocess.DEVNULL, stdout=stderr, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self):
        return "\n".join(
            path.read_text(errors="replace") for path in (self.log, self.log.with_suffix(".stderr")) if path.exists()
        )

    def failure(self, what):
        output = self.output()
        bad = BAD_LOG_LINE.search(output)
        excerpt = output[max(0, bad.start() - 200) : bad.start() + 3000] if bad else output[-3000:]
        return f"{what} (command: {' '.join(self.command)}):\n{excerpt}"

    def check_alive(self):
        if self.process.poll() is not None:
            _fail(self.failure(f"Odoo exited with status {self.process.returncode}"))
        if BAD_LOG_LINE.search(self.output()):
            _fail(self.failure("Odoo logged an error"))

    def stop(self):
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=STOP_TIMEOUT)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        # Whatever of the group is still there (a worker the master left, or a hung master) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)


def _until(odoo, what, attempt):
    """Retries attempt() until it returns a value, failing at once when Odoo logs an error or exits."""
    deadline = time.monotonic() + START_TIMEOUT
    last_error = None
    while time.monotonic() < deadline:
        odoo.check_alive()
        try:
            return attempt()
        except (OSError, websocket.WebSocketException) as error:
            last_error = error
        time.sleep(0.5)
    _fail(odoo.failure(f"{what} did not answer within {START_TIMEOUT} s (last error: {last_error!r})"))


def _login_page_status(odoo):
    with urllib.request.urlopen(f"http://127.0.0.1:{odoo.http_port}/web/login", timeout=10) as response:
        return response.status


def _websocket_ping(odoo):
    """A websocket handshake on the gevent port (HTTP 101), then a ping that the worker answers with a pong."""
    connection = websocket.create_connection(
        f"ws://127.0.0.1:{odoo.gevent_port}/websocket",
        origin=f"http://127.0.0.1:{odoo.http_port}",
        timeout=10,
    )
    try:
        status = connection.getstatus()
        connection.ping(b"iso-records")
        opcode, frame = connection.recv_data_frame(control_frame=True)
        return status, opcode, frame.data
    finally:
        connection.close()


def test_prefork_workers_serve_http_and_websocket():
    database = _database_with_iso_records()
    with tempfile.TemporaryDirectory(prefix="iso_prefork_") as workdir:
        odoo = PreforkOdoo(Path(workdir), database)
        odoo.start()
        try:
            status = _until(odoo, "the HTTP worker (/web/login)", lambda: _login_page_status(odoo))
            assert status == 200, odoo.failure(f"/web/login answered {status}")

            status, opcode, data = _until(odoo, "the websocket worker (/websocket)", lambda: _websocket_ping(odoo))
            assert status == 101, odoo.failure(f"the websocket handshake answered {status}, not 101")
            assert (opcode, data) == (websocket.ABNF.OPCODE_PONG, b"iso-records"), odoo.failure(
                f"the websocket worker answered a ping with opcode {opcode} and {data!r}, not a pong"
            )

            time.sleep(QUIET_PERIOD)
            odoo.check_alive()
            started = odoo.output().count(GEVENT_STARTED)
            assert started == 1, odoo.failure(f"the gevent worker started {started} times, not once")
            assert _login_page_status(odoo) == 200, odoo.failure("/web/login stopped answering")
        finally:
            odoo.stop()
