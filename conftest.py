"""Project-wide pytest rules.

A skipped test counts as a failure: Odoo skips a browser tour, and reports it as
a success under its own runner, when Chromium or websocket-client is missing.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} was skipped, which this project counts as a failure: {reason}"
