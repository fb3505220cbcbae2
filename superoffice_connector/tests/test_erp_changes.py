"""ERP Sync Connector: GetActorsByTimestamp by a cursor, over real HTTP. An answer holds at most
the connection's search limit and answer size limit, oldest first, may end inside an instant,
and SuperOffice's engine (``superoffice_sim.erp_engine``) polling "on or after" the newest
LastModified it saw gets every change once, over successive polls."""

from odoo.sql_db import db_connect
from odoo.tests import tagged

from superoffice_sim.erp_client import ErpClient
from superoffice_sim.erp_engine import ErpSyncEngine

from .. import erp
from ..erp import values as v
from .erp_common import ErpCase

OLD = "2000-01-01 00:00:00"
# five companies: one instant each, except two of them sharing one (written together)
STAMPS = ["2021-01-01 10:00:00", "2021-01-01 11:00:00.5", "2021-01-01 11:00:00.5",
          "2021-01-01 12:00:00", "2021-01-01 13:00:00"]


@tagged("post_install", "-at_install")
class TestErpChangesCapped(ErpCase):
    def setUp(self):
        super().setUp()
        self.companies = self.env["res.partner"].create([
            {"name": f"Changed {n}", "is_company": True, "company_id": self.company_a.id,
             "city": "Oslo"} for n in range(len(STAMPS))])
        self.conn_a.search_limit = 2

    def stamp(self):
        """Every other partner written long ago; the five companies at their STAMPS."""
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET write_date = %s WHERE id NOT IN %s",
                            [OLD, tuple(self.companies.ids)])
        for company, stamp in zip(self.companies, STAMPS, strict=True):
            self.env.cr.execute("UPDATE res_partner SET write_date = %s WHERE id = %s",
                                [stamp, company.id])
        self.env.invalidate_all()

    def changed(self, since):
        answer = self.call("GetActorsByTimestamp", ActorType="Customer", UpdatedOnOrAfter=since,
                           FieldKeys=["NAME"])
        self.assertTrue(answer.ok, answer.user_explanation)
        return answer, [int(actor.erp_key) for actor in answer.payload]

    def test_answers_are_capped_oldest_first_and_continue_after_the_last_record(self):
        self.stamp()
        c = self.companies.ids
        answer, keys = self.changed("2020-06-01T00:00:00")
        # the cap (2) falls inside the instant of c[1] and c[2]: the answer ends there
        self.assertEqual((answer.state, keys), ("OkWithInfo", c[:2]))
        self.assertIn("the oldest 2 are sent now", answer.user_explanation)
        self.assertEqual(answer.payload[-1].last_modified,
                         f"2021-01-01T11:00:00.500000.{c[1]:012d}")
        # the next answer starts right after the last record sent, inside the same instant
        answer, keys = self.changed(answer.payload[-1].last_modified)
        self.assertEqual((answer.state, keys), ("OkWithInfo", c[2:4]))
        answer, keys = self.changed(answer.payload[-1].last_modified)
        self.assertEqual((answer.state, keys), ("Ok", c[4:]))
        # nothing after the last one: nothing is sent again
        self.assertEqual(self.changed(answer.payload[-1].last_modified)[1], [])
        # below the cap: everything on or after the stamp (and the minute before a plain date)
        self.conn_a.search_limit = 500
        answer, keys = self.changed("2021-01-01T11:00:30")
        self.assertEqual((answer.state, keys), ("Ok", c[1:]))

    def test_the_engine_gets_every_change_over_successive_polls(self):
        engine = ErpSyncEngine(self.client(), self.config(), guid=self.guid,
                               mapping={"Customer": ["NAME", "STREETCITY"]})
        for n, company in enumerate(self.companies):
            engine.connect(f"crm-{n}", "Customer", str(company.id),
                           {"NAME": company.name, "STREETCITY": "Oslo"})
        self.companies.write({"city": "Bergen"})
        self.stamp()
        # every Customer actor comes once, two per poll (the series differ in how many
        # partners of their own are customers), then one poll finds the rest
        customer = self.conn_a._erp_actor("Customer")
        actors = customer.env[customer.model].search_count(customer.domain() + customer.kind())
        polls = 0
        while any(engine.crm[f"crm-{n}"]["STREETCITY"] != "Bergen" for n in range(len(STAMPS))):
            polls += 1
            self.assertLessEqual(polls, actors // 2 + 3, f"no convergence: {engine.crm}")
            before = dict(engine.watermarks)
            engine.poll()
            self.assertGreater(engine.watermarks["Customer"], before.get("Customer", ""))
        self.assertGreater(polls, 2)  # the cap made it take several polls
        self.assertEqual(engine.conflicts, [])
        self.assertEqual(engine.poll(), [])
        self.assertEqual(set(self.companies.mapped("city")), {"Bergen"})

    def test_a_transaction_still_running_holds_the_horizon_back(self):
        """Records of a transaction that started earlier and has not committed yet would carry
        an older write date than those already sent: the answer stops before its start."""
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT now() AT TIME ZONE 'UTC'")
            started = other.fetchone()[0]
            self.assertLessEqual(self.conn_a._erp_horizon(), started)
            other.rollback()
        horizon = self.conn_a._erp_horizon()
        self.assertTrue(horizon is None or horizon > started)


@tagged("post_install", "-at_install")
class TestErpChangesOfOneTransaction(ErpCase):
    """10,000 companies written in one transaction (one instant) reach SuperOffice's engine,
    polling "on or after" the newest stamp it saw, over several answers within the default
    quotas (the engine's client refuses an answer over 65,536 bytes), none skipped, none sent
    twice, and then nothing more."""

    def test_ten_thousand_records_of_one_instant(self):
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        new = Partner.browse()
        for start in range(0, 10000, 2000):
            new |= Partner.create([
                {"name": f"Import {n:05d}", "is_company": True, "company_id": self.company_a.id,
                 "city": "Oslo", "email": f"import{n}@example.com"}
                for n in range(start, start + 2000)])
        self.env.flush_all()
        self.assertEqual(len(set(new.mapped("write_date"))), 1)  # one instant
        engine = ErpSyncEngine(self.client(), self.config(), guid=self.guid)
        received, polls = [], 0
        while True:
            polls += 1
            self.assertLessEqual(polls, 1000, "the first sync does not end")
            answer = engine.changes("Customer")
            self.assertIn(answer.state, ("Ok", "OkWithInfo"))
            received += [int(actor.erp_key) for actor in answer.payload]
            if answer.state == "Ok" and not answer.payload:
                break
        self.assertEqual(len(received), len(set(received)), "a record was sent twice")
        self.assertLessEqual(set(new.ids), set(received), "a record was skipped")
        self.assertGreater(polls, 20)  # the answers are within the budget: many of them
        # the stamp SuperOffice keeps names the last record: nothing is sent again
        self.assertEqual(v.parse_cursor(engine.watermarks["Customer"])[1], received[-1])
        self.assertEqual(engine.changes("Customer").payload, [])


@tagged("post_install", "-at_install")
class TestErpChangesReadOnce(ErpCase):
    """A poll keeps what does not change between polls (the acting user's rules compiled to
    SQL) until Odoo clears its caches, and reads the codes of countries and states with the
    records: a few queries per poll, whatever the table's size."""

    def changed(self, field_keys=("NAME",)):
        answer = self.call("GetActorsByTimestamp", ActorType="Customer", UpdatedOnOrAfter="",
                           FieldKeys=list(field_keys))
        self.assertTrue(answer.ok, answer.user_explanation)
        return {int(actor.erp_key): actor.field_values for actor in answer.payload}

    def test_a_record_rule_added_between_two_polls_holds_at_the_next(self):
        self.assertIn(self.acme.id, self.changed())
        self.assertIn(self.beta.id, self.changed())
        # a rule of every user (AND-ed with the others): the acting user loses Oslo's companies
        self.env["ir.rule"].create({
            "name": "No Oslo companies", "model_id": self.env.ref("base.model_res_partner").id,
            "domain_force": "[('city', '!=', 'Oslo')]", "perm_read": True})
        keys = self.changed()
        self.assertNotIn(self.acme.id, keys)
        self.assertIn(self.beta.id, keys)

    def test_the_acting_user_of_the_connection_is_the_one_of_now(self):
        """The kept SQL belongs to one user: another user of the connection gets its own."""
        limited = self.env["res.groups"].create({"name": "ERP limited"})
        self.env["ir.rule"].create({
            "name": "Limited sees Bergen only",
            "model_id": self.env.ref("base.model_res_partner").id,
            "domain_force": "[('city', '=', 'Bergen')]", "perm_read": True,
            "groups": [(4, limited.id)]})
        other = self.user_a.copy({"login": "erp_a_limited", "name": "ERP A limited"})
        other.write({"group_ids" if "group_ids" in other._fields else "groups_id":
                     [(4, limited.id)]})
        keys = self.changed()  # as user_a: its SQL is kept
        self.assertIn(self.acme.id, keys)
        self.assertIn(self.beta.id, keys)
        # the connection's user changes (which clears no cache of Odoo's)
        self.conn_a.user_id = other
        keys = self.changed()
        self.assertIn(self.beta.id, keys)
        self.assertNotIn(self.acme.id, keys)

    def test_country_and_state_codes_come_with_the_records(self):
        california = self.env.ref("base.state_us_5")
        self.acme.write({"country_id": self.env.ref("base.us").id, "state_id": california.id})
        values = self.changed(("NAME", "COUNTRY", "STREETSTATE"))
        self.assertEqual((values[self.acme.id]["COUNTRY"], values[self.acme.id]["STREETSTATE"]),
                         ("US", f"US-{california.code}"))
        self.assertEqual((values[self.beta.id]["COUNTRY"], values[self.beta.id]["STREETSTATE"]),
                         ("SE", ""))
        # GetActors reads the same way
        answer = self.call("GetActors", ActorType="Customer", ErpKeys=[str(self.acme.id)],
                           FieldKeys=["COUNTRY", "STREETSTATE"])
        self.assertEqual(answer.payload[0].field_values,
                         {"COUNTRY": "US", "STREETSTATE": f"US-{california.code}"})

    def test_a_poll_reads_in_a_few_queries(self):
        body = ErpClient("http://odoo.example").envelope("GetActorsByTimestamp", {
            "ConnectionGuid": self.guid, "ActorType": "Customer", "UpdatedOnOrAfter": "",
            "FieldKeys": ["NAME", "COUNTRY", "STREETSTATE"]})
        request = erp.parse_request(body if isinstance(body, bytes) else body.encode())
        Connection = self.env["superoffice.erp.connection"]
        Connection._erp_dispatch(self.conn_a.key, request)
        self.env.invalidate_all()
        # the key with its user's language, the connection, the horizon, the records' ids,
        # their columns with the codes of their countries and states (the records' own
        # transaction is the test's in Odoo's test mode)
        with self.assertQueryCount(5):
            answer = Connection._erp_dispatch(self.conn_a.key, request)
        self.assertIn(b"<a:IsOk>true</a:IsOk>", answer)
        self.assertIn(self.acme.name.encode(), answer)
