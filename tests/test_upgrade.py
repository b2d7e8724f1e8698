"""Upgrade from the previous release: a database created by it upgrades to the working tree without
losing data.

The previous release's iso_records (a git commit of this repository) is installed with demo data in a
scratch database, filled by upgrade/fill_previous.py (holds, disposal batches, risks' review dates, a
trail verification) which snapshots it, upgraded with the working tree's addons (-u iso_records), and
compared with the snapshot by upgrade/check_upgraded.py. Everything runs in Odoo subprocesses of its
own (temporary configuration, data dir and database), so it needs no Odoo test database.
"""

import getpass
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

# The releases of iso_records production databases may run, each upgraded to the working tree and checked
# by its own pair of scripts in upgrade/: (commit, version, fill script, check script). Add one when a
# release ships with a migration of its own (and keep its migration scripts).
RELEASES = [
    ("d3b6f66", "18.0.1.1.0", "fill_previous.py", "check_upgraded.py"),
    ("d6e9618", "18.0.1.2.0", "fill_18_0_1_2.py", "check_18_0_1_3.py"),
]
MODULE = "iso_records"
UPGRADE_DIR = Path(__file__).resolve().parent / "upgrade"
# A hung Odoo process fails the test instead of blocking the run.
STEP_TIMEOUT = 900
LOG_ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", re.MULTILINE)


def _fail(message):
    pytest.fail(message, pytrace=False)


def _repository_root():
    if not shutil.which("git"):
        _fail("git is not installed: the upgrade test needs it to extract the previous release.")
    found = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode:
        _fail(f"{Path(__file__).parent} is not in a git repository: {found.stderr.strip()}")
    return Path(found.stdout.strip())


def _extract_previous_release(root, target, release):
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{release}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if commit.returncode:
        _fail(
            f"commit {release} (a previous release) is not in {root}: "
            "fetch the full history (a shallow clone lacks it)."
        )
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", release, MODULE],
        capture_output=True,
        check=False,
    )
    if archive.returncode:
        _fail(f"git archive {release} {MODULE} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:  # Python < 3.10.12: the archive is our own commit
            tar.extractall(target)


def _odoo_source():
    import odoo

    source = Path(odoo.__file__).resolve().parent.parent
    if not (source / "odoo-bin").is_file():
        linked = Path(sys.prefix) / "odoo-source"
        source = linked.resolve() if (linked / "odoo-bin").is_file() else source
    if not (source / "odoo-bin").is_file():
        _fail(f"odoo-bin not found in {source} (from odoo.__file__) nor in {sys.prefix}/odoo-source")
    return source


def _db_settings():
    """The PostgreSQL connection of setup/common.sh."""
    return {
        "host": os.environ.get("ISO_DB_HOST") or os.environ.get("PGHOST") or "127.0.0.1",
        "port": os.environ.get("ISO_DB_PORT") or os.environ.get("PGPORT") or "5432",
        "user": os.environ.get("ISO_DB_USER") or os.environ.get("PGUSER") or getpass.getuser(),
        "password": os.environ.get("ISO_DB_PASSWORD") or os.environ.get("PGPASSWORD") or "",
    }


def _drop_database(name):
    settings = _db_settings()
    connection = psycopg2.connect(dbname="postgres", **{key: value for key, value in settings.items() if value})
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def _write_config(path, data_dir):
    settings = _db_settings()
    path.write_text(
        "[options]\n"
        f"db_host = {settings['host']}\n"
        f"db_port = {settings['port']}\n"
        f"db_user = {settings['user']}\n"
        f"db_password = {settings['password'] or 'False'}\n"
        f"data_dir = {data_dir}\n"
        "http_enable = False\n"
        "max_cron_threads = 0\n"
        "without_demo = False\n"
    )


class Odoo:
    """Runs odoo-bin of the venv's Odoo source against one database, timing each step."""

    def __init__(self, source, config, database):
        self.source = source
        self.config = config
        self.database = database
        self.timings = {}

    def addons_path(self, addons_dir):
        return f"--addons-path={self.source}/odoo/addons,{self.source}/addons,{addons_dir}"

    def run(self, step, addons_dir, *args, script=None, env=None):
        command = [sys.executable, str(self.source / "odoo-bin")]
        if script:
            command.append("shell")
        command += ["-c", str(self.config), self.addons_path(addons_dir), "-d", self.database, "--no-http"]
        command += ["--log-level=warn", *args]
        started = time.monotonic()
        try:
            with open(script, encoding="utf-8") if script else open(os.devnull, encoding="utf-8") as stdin:
                done = subprocess.run(
                    command,
                    stdin=stdin,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env={**os.environ, **(env or {})},
                    timeout=STEP_TIMEOUT,
                    check=False,
                )
        except subprocess.TimeoutExpired as timeout:
            output = timeout.output or b""
            output = output.decode(errors="replace") if isinstance(output, bytes) else output
            _fail(f"{step}: no end after {STEP_TIMEOUT} s: {' '.join(command)}\n{output[-20000:]}")
        self.timings[step] = round(time.monotonic() - started, 1)
        return done

    def step(self, step, addons_dir, *args, script=None, env=None, errors_fail=False):
        done = self.run(step, addons_dir, *args, script=script, env=env)
        if done.returncode or (errors_fail and LOG_ERROR.search(done.stdout)):
            _fail(
                f"{step} failed (exit status {done.returncode}; timings so far {self.timings}):\n{done.stdout[-20000:]}"
            )
        return done


@pytest.mark.parametrize(("release", "version", "fill", "check"), RELEASES, ids=[release[1] for release in RELEASES])
def test_previous_release_upgrades_without_losing_data(release, version, fill, check):
    root = _repository_root()
    source = _odoo_source()
    database = f"iso_upgrade_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="iso_upgrade_"))
    previous = workdir / "previous"
    snapshot = workdir / "snapshot.json"
    config = workdir / "odoo.conf"
    _write_config(config, workdir / "data")
    odoo = Odoo(source, config, database)
    snapshot_env = {"ISO_UPGRADE_SNAPSHOT": str(snapshot)}
    try:
        _drop_database(database)
        _extract_previous_release(root, previous, release)
        odoo.step(f"install {MODULE} {version} ({release}) with demo data", previous, "-i", MODULE, "--stop-after-init")
        filled = odoo.step(fill, previous, script=UPGRADE_DIR / fill, env=snapshot_env)
        odoo.step(f"upgrade {MODULE} to the working tree", root, "-u", MODULE, "--stop-after-init", errors_fail=True)
        checked = odoo.run(check, root, script=UPGRADE_DIR / check, env=snapshot_env)
        print(f"timings (s): {odoo.timings}")
        if checked.returncode:
            _fail(
                f"the upgraded database lost or changed data of {version} ({release}) "
                f"(exit status {checked.returncode}; timings {odoo.timings}):\n"
                f"{filled.stdout.strip()}\n{checked.stdout}"
            )
    finally:
        try:
            _drop_database(database)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
