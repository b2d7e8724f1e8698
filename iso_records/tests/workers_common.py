"""Two cron workers at once, each in its own thread with its own database cursor and transactions,
committing each batch as the cron does (commit_batch commits outside the test thread). Nothing of it uses
the test transaction: a test commits its fixture (``committed``), in a company of its own, and removes it
again in a cleanup of its own."""

import threading
import time
from contextlib import contextmanager
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

# The errors Odoo's RPC layer and the cron retry (odoo.service.model.PG_CONCURRENCY_ERRORS_TO_RETRY).
RETRYABLE_PGCODES = {"40001", "40P01", "55P03"}
WORKER_TIMEOUT = 300


class TwoWorkersCase(TransactionCase):
    @contextmanager
    def committed(self):
        """An environment of the superuser in a transaction of its own, committed at the end."""
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '120s'")  # a lock never released fails instead of hanging
            yield api.Environment(cr, SUPERUSER_ID, {})

    @staticmethod
    def company_employee(env, company, department, login, name):
        """An ISO user of ``company`` alone, notified in Odoo (no mail), and their employee in ``department``."""
        user = new_test_user(
            env,
            login,
            groups="iso_records.group_iso_user",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            notification_type="inbox",
        )
        return env["hr.employee"].create(
            {"name": name, "user_id": user.id, "department_id": department.id, "company_id": company.id}
        )

    @staticmethod
    def delete_chatter(env, model, ids):
        """Deletes the activities, followers and messages of these records of ``model``."""
        for table, model_column in (
            ("mail_activity", "res_model"),
            ("mail_followers", "res_model"),
            ("mail_message", "model"),
        ):
            env.cr.execute(
                SQL(
                    "DELETE FROM %s WHERE %s = %s AND res_id = ANY(%s)",
                    SQL.identifier(table),
                    SQL.identifier(model_column),
                    model,
                    ids,
                )
            )

    @staticmethod
    def archive_company(env, company_id):
        """The end of a cleanup: deletes the company's employees and departments, and archives its users, its
        partner and the company itself, which the audit trail events keep."""
        cr = env.cr
        cr.execute("DELETE FROM hr_employee WHERE company_id = %s", [company_id])
        cr.execute("DELETE FROM hr_department WHERE company_id = %s", [company_id])
        cr.execute("UPDATE res_users SET active = false WHERE company_id = %s", [company_id])
        company = env["res.company"].browse(company_id)
        cr.execute("UPDATE res_partner SET active = false WHERE id = %s", [company.partner_id.id])
        cr.execute("UPDATE res_company SET active = false WHERE id = %s", [company_id])

    def run_concurrently(
        self, job, count=2, *, created_model="mail.activity", patches=(), name="iso-worker", stale=False
    ):
        """``count`` workers started together, each running ``job(env)`` (the superuser's) in a cursor of its
        own; returns ({worker: what its job returned, or the PostgreSQL error code that ended it, or the
        repr of another error}, {worker: how many ``created_model`` records it created}). Creating them
        waits a little inside the batch, its rows locked, so that the other worker meets them locked.
        ``patches``: more ``unittest.mock`` patchers, small batch sizes say. ``stale``: the first worker stops
        at the end of its first batch (``ir.cron._notify_progress``), its rows locked, until the second has
        done everything; it then goes on with the list of due records it read before the second's commits.
        The workers are called ``<name>-0``, ``<name>-1``..."""
        start = threading.Barrier(count)
        holding, second_done = threading.Event(), threading.Event()
        results, created = {}, {}
        Created = self.registry[created_model]
        Cron = self.registry["ir.cron"]
        create, notify_progress = Created.create, Cron._notify_progress

        def slow_create(model, vals_list):
            # Inside the batch, its rows locked: the other worker meets them locked and takes other rows.
            records = create(model, vals_list)
            worker = threading.current_thread().name
            created[worker] = created.get(worker, 0) + len(records)
            time.sleep(0.05)
            return records

        def hold_first_batch(model, **progress):
            if stale and threading.current_thread() is threads[0] and not holding.is_set():
                holding.set()
                second_done.wait(WORKER_TIMEOUT)
            return notify_progress(model, **progress)

        def work():
            worker = threading.current_thread().name
            try:
                start.wait(60)
                if stale and threading.current_thread() is threads[1]:
                    holding.wait(WORKER_TIMEOUT)
                with self.registry.cursor() as cr:
                    cr.execute("SET lock_timeout = '120s'")
                    results[worker] = job(api.Environment(cr, SUPERUSER_ID, {}))
            except psycopg2.Error as error:
                results[worker] = error.pgcode
            except Exception as error:  # noqa: BLE001 - reported by the test
                results[worker] = repr(error)
            finally:
                if stale and threading.current_thread() is threads[1]:
                    second_done.set()

        threads = [threading.Thread(target=work, name=f"{name}-{index}") for index in range(count)]
        with (
            patch.object(Created, "create", slow_create),
            patch.object(Cron, "_notify_progress", hold_first_batch),
        ):
            for patcher in patches:
                patcher.start()
            try:
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(WORKER_TIMEOUT)
            finally:
                for patcher in reversed(patches):
                    patcher.stop()
        self.assertFalse([thread.name for thread in threads if thread.is_alive()], "every worker finishes")
        self.registry.clear_all_caches()
        return results, created

    def assert_failed_only_retryably(self, results, done_types=(tuple,)):
        """At most one worker failed, and only with an error Odoo retries; a worker whose result is none of
        ``done_types`` failed."""
        failed = {worker: result for worker, result in results.items() if not isinstance(result, done_types)}
        self.assertLessEqual(set(failed.values()), RETRYABLE_PGCODES, f"a worker fails only retryably: {results}")
        self.assertLess(len(failed), 2, f"at least one worker completes: {results}")

    def reminders(self, model, ids, xmlid):
        """{record id: (user id, how many activities)} of the activities of type ``xmlid`` on these records, as
        committed."""
        with self.committed() as env:
            env.cr.execute(
                """SELECT res_id, user_id, count(*) FROM mail_activity
                    WHERE res_model = %s AND res_id = ANY(%s) AND activity_type_id = %s
                 GROUP BY res_id, user_id""",
                [model, ids, env.ref(xmlid).id],
            )
            return {res_id: (user_id, count) for res_id, user_id, count in env.cr.fetchall()}
