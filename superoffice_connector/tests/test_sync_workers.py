"""The sync under Odoo's prefork workers: several processes, real transactions, the cron's
time budget. Each test works on committed cursors of its own (``registry.cursor()``), like the
cron worker and the HTTP workers do, and removes what it committed."""

import json
import threading
import time
from collections import Counter
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged

from ..api.auth import clear_ticket_cache
from ..models.superoffice_connection import _CLIENTS
from ..models.superoffice_rate_limit import SharedRateLimiter
from ..models.superoffice_sync_service import RunStats
from .common import SuperOfficeCase

OPTIONS = "superoffice_connector.client_options"


@tagged("post_install", "-at_install")
class TestSyncWorkers(SuperOfficeCase):
    seed_companies = 4

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            connection = SuperOfficeCase.create_connection(
                env, self.sim, name="Workers", sync_import_new=True, sync_batch_size=2,
            )
            self.connection_id = connection.id
        self.addCleanup(self._drop_committed)

    def _drop_committed(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            links = env["superoffice.link"].search([("connection_id", "=", self.connection_id)])
            partners, projects = links.partner_id, links.project_id
            env["superoffice.sync.event"].search(
                [("connection_id", "=", self.connection_id)]
            ).unlink()
            env["superoffice.connection"].browse(self.connection_id).unlink()
            projects.unlink()
            partners.filtered(lambda p: p.parent_id).unlink()
            partners.exists().unlink()
            cr.execute("DELETE FROM superoffice_rate_limit WHERE connection_id = %s",
                       [self.connection_id])
            cr.execute("DELETE FROM superoffice_shared_state WHERE connection_id = %s",
                       [self.connection_id])
            cron = env.ref("superoffice_connector.superoffice_cron_pull")
            env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
            env["ir.cron.progress"].search([("cron_id", "=", cron.id)]).unlink()

    def _cron_env(self, cr, end_in=None):
        """An environment like the one Odoo's cron worker gives ``_cron_pull``: a fresh progress
        record, and the end of the cron's time budget ``end_in`` seconds from now."""
        with self.registry.cursor() as setup:
            env = api.Environment(setup, SUPERUSER_ID, {})
            cron = env.ref("superoffice_connector.superoffice_cron_pull")
            progress = env["ir.cron.progress"].create({"cron_id": cron.id})
        context = {"cron_id": cron.id, "ir_cron_progress_id": progress.id,
                   "superoffice_sync_commit": True}
        if end_in is not None:
            context["cron_end_time"] = time.monotonic() + end_in
        env = api.Environment(cr, SUPERUSER_ID, context)
        return env, env["ir.cron.progress"].browse(progress.id)

    def _runs(self, env):
        return env["superoffice.sync.run"].search(
            [("connection_id", "=", self.connection_id), ("kind", "=", "pull")], order="id"
        )

    # ------------------------------------------------------------------ 1. cron time budget

    def test_import_cut_by_the_cron_time_budget_tells_the_cron_and_continues(self):
        # The first page of the feed answers slowly: the cron's time is up after it.
        self.sim.faults.add("latency", path=r"\$top=", method="GET", count=1, seconds=2.5)
        with self.registry.cursor() as cr:
            env, progress = self._cron_env(cr, end_in=2)
            env["superoffice.connection"]._cron_pull()
            run = self._runs(env)
            self.assertEqual(len(run), 1)
            self.assertEqual(run.state, "continuing", run.message)
            self.assertEqual(run.count_created, 2)  # one page of sync_batch_size
            self.assertGreater(progress.remaining, 0)  # Odoo calls the cron again at once
            self.assertEqual(progress.done, 2)
            cron = env.ref("superoffice_connector.superoffice_cron_pull")
            self.assertTrue(env["ir.cron.trigger"].search_count([
                ("cron_id", "=", cron.id), ("call_at", "<=", fields.Datetime.now()),
            ]))
            # Odoo's next call of the same job: its time is spent, nothing new starts.
            env["superoffice.connection"]._cron_pull()
            self.assertEqual(len(self._runs(env)), 1)

        # The next jobs go on where it stopped until everything is imported, without a wake.
        expected = self.sim.store.count("contact") + self.sim.store.count("person") \
            + self.sim.store.count("project")
        for _job in range(40):
            with self.registry.cursor() as cr:
                env, progress = self._cron_env(cr, end_in=1)
                env["superoffice.connection"]._cron_pull()
                last = self._runs(env)[-1]
                if last.state == "done":
                    self.assertEqual(progress.remaining, 0)
                    break
                self.assertEqual(last.state, "continuing", last.message)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            runs = self._runs(env)
            self.assertEqual(runs[-1].state, "done")
            self.assertEqual(sum(runs.mapped("count_created")), expected)
            self.assertEqual(sum(runs.mapped("count_failed")), 0)
            self.assertEqual(env["superoffice.link"].search_count(
                [("connection_id", "=", self.connection_id)]), expected)

    # ------------------------------------------------------------------ 2. concurrency

    def test_link_changed_by_sync_now_after_the_pull_began_is_left_for_later(self):
        """A Sync now in an HTTP worker commits the link after the pull's transaction took its
        snapshot: locking it raises a serialization failure in PostgreSQL; the pull skips the
        link and keeps it for its next run instead of dying."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            contact = self.so_create_contact("Raced AS")
            partner = env["res.partner"].create({"name": "Raced AS", "is_company": True})
            link = env["superoffice.link"].create({
                "connection_id": self.connection_id, "entity_type": "company",
                "so_id": contact["ContactId"], "partner_id": partner.id,
                "actor_type": "customer",
            })
            link_id, so_id = link.id, contact["ContactId"]
        with self.registry.cursor() as cr_pull:
            env = api.Environment(cr_pull, SUPERUSER_ID, {})
            connection = env["superoffice.connection"].browse(self.connection_id)
            run = env["superoffice.sync.run"].create({"connection_id": connection.id})
            stats = RunStats(run, connection._get_client())  # the snapshot is taken
            with self.registry.cursor() as cr_http:  # Sync now, committed meanwhile
                # the environment is kept until the commit: Odoo 18.0 flushes only the pending
                # writes of environments still alive then
                env_http = api.Environment(cr_http, SUPERUSER_ID, {})
                env_http["superoffice.link"].browse(link_id).last_sync_at = fields.Datetime.now()
            busy = env["superoffice.sync.pull"]._pull_ids(connection, "company", [so_id], stats)
            self.assertEqual(busy, {so_id})
            self.assertEqual(stats.counts, {"skipped": 1})
            requeued = env["superoffice.sync.event"].search(
                [("connection_id", "=", connection.id), ("so_id", "=", so_id)]
            )
            self.assertEqual(requeued.mapped("state"), ["pending"])
            cr_pull.rollback()

    def test_run_whose_process_died_is_closed_by_the_next_run(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Run = env["superoffice.sync.run"]
            dead = Run.create({"connection_id": self.connection_id, "kind": "pull"})
            alive = Run.create({"connection_id": self.connection_id, "kind": "pull"})
            push = Run.create({"connection_id": self.connection_id, "kind": "push"})
            ids = dead.id, alive.id, push.id
        with self.registry.cursor() as cr_alive:  # another process still working on its run
            api.Environment(cr_alive, SUPERUSER_ID, {})["superoffice.sync.run"].browse(
                ids[1])._hold()
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"superoffice_sync_commit": True})
                run = env["superoffice.connection"].browse(self.connection_id)._pull()
                self.assertEqual(run.state, "done", run.message)
                dead, alive, push = env["superoffice.sync.run"].browse(ids)
                self.assertEqual(dead.state, "failed")
                self.assertIn("stopped before it ended", dead.message)
                self.assertEqual(alive.state, "running")
                self.assertEqual(push.state, "failed")  # its process died too
                self.assertEqual(
                    env["superoffice.sync.run"].search_count([("state", "=", "running"),
                                                              ("id", "=", run.id)]), 0)
            api.Environment(cr_alive, SUPERUSER_ID, {})["superoffice.sync.run"].browse(
                ids[1])._release()

    def test_unexpected_error_closes_the_run_as_failed(self):
        """A defect (here: a SQL error in the middle of a batch) must not leave the run
        "running": the batch is rolled back, the run is closed as failed with the error."""

        def broken(pull, connection, stats):
            pull.env.cr.execute("SELECT 1 / 0")

        Pull = type(self.env["superoffice.sync.pull"])
        with self.registry.cursor() as cr, patch.object(Pull, "_pull_events", broken):
            env = api.Environment(cr, SUPERUSER_ID, {"superoffice_sync_commit": True})
            connection = env["superoffice.connection"].browse(self.connection_id)
            with self.assertLogs("odoo.addons.superoffice_connector", "ERROR"):
                run = connection._pull()
            self.assertEqual(run.state, "failed")
            self.assertIn("division by zero", run.message)
        with self.registry.cursor() as cr:
            run = api.Environment(cr, SUPERUSER_ID, {})["superoffice.sync.run"].browse(run.id)
            self.assertEqual(run.state, "failed")  # committed

    # ------------------------------------------------------------------ 3. one rate limit

    def test_every_process_shares_the_request_budget_of_the_connection(self):
        """Two limiters (two processes) of one connection at 5 requests per second: every
        reserved slot is in a window of at most 5, whatever process reserved it."""
        connection_id = self.connection_id
        dbname = self.env.cr.dbname
        workers = [SharedRateLimiter(dbname, connection_id, 5) for _i in range(2)]
        slots = []
        lock = threading.Lock()

        def reserve(limiter):
            for _i in range(15):
                start, _now = limiter.reserve()
                with lock:
                    slots.append(start)

        threads = [threading.Thread(target=reserve, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        per_window = Counter(round(start, 3) for start in slots)
        self.assertEqual(sum(per_window.values()), 30)
        self.assertEqual(max(per_window.values()), 5)
        self.assertEqual(len(per_window), 6)  # 30 requests need 6 one-second windows
        windows = sorted(per_window)
        self.assertEqual([round(b - a, 3) for a, b in zip(windows, windows[1:], strict=False)],
                         [1.0] * 5)
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM superoffice_rate_limit WHERE connection_id = %s",
                       [connection_id])

    def test_client_requests_take_their_slot_in_the_shared_budget(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            connection = env["superoffice.connection"].browse(self.connection_id)
            client = connection._get_client()
            self.assertIsInstance(client.transport.limiter, SharedRateLimiter)
            client.current_principal()  # discovery, login and the call itself
        with self.registry.cursor() as cr:
            cr.execute("SELECT used, extract(epoch FROM clock_timestamp()) - window_start "
                       "FROM superoffice_rate_limit WHERE connection_id = %s",
                       [self.connection_id])
            used, age = cr.fetchone()
            self.assertGreaterEqual(used, 1)  # 3 requests, in one or two windows
            self.assertLess(age, 30)

    # ------------------------------------------------------------------ 4. shared state

    def test_a_second_process_uses_the_ticket_and_address_another_one_obtained(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            connection = env["superoffice.connection"].browse(self.connection_id)
            clear_ticket_cache()  # no ticket of an earlier test (the simulator was reset)
            first = connection._get_client()
            first.current_principal()
            self.assertEqual(first.request_count, 3)  # tenant state, login, the call
            _CLIENTS.clear()  # another process: its own client and ticket cache
            clear_ticket_cache()
            second = connection._get_client()
            self.assertIsNot(second, first)
            second.current_principal()
            self.assertEqual(second.request_count, 1)  # the call only
        with self.registry.cursor() as cr:
            cr.execute("SELECT name FROM superoffice_shared_state WHERE connection_id = %s "
                       "ORDER BY name", [self.connection_id])
            self.assertEqual(cr.fetchall(), [("tenant",), ("ticket",)])

    def test_changed_client_options_reach_a_running_process(self):
        connection = self.connection
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param(OPTIONS, json.dumps({"rate_limit": 10}))
        before = connection._get_client()
        self.assertIs(connection._get_client(), before)
        Param.set_param(OPTIONS, json.dumps({"rate_limit": 2}))
        after = connection._get_client()
        self.assertIsNot(after, before)
        self.assertEqual(after.config.rate_limit, 2)
        self.assertEqual(after.transport.limiter.rate, 2)
        _CLIENTS.clear()

