"""ERP Sync Connector: GetActorsByTimestamp's cap, over real HTTP. An answer holds at most the
connection's search limit, oldest first, never splits records of one instant, and SuperOffice's
engine (``superoffice_sim.erp_engine``) gets every change over successive polls."""

from odoo.tests import tagged

from superoffice_sim.erp_engine import ErpSyncEngine

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

    def test_answers_are_capped_oldest_first_and_never_split_an_instant(self):
        self.stamp()
        c = self.companies.ids
        answer, keys = self.changed("2020-06-01T00:00:00")
        # the cap (2) falls between the two companies of one instant: both are sent
        self.assertEqual((answer.state, keys), ("OkWithInfo", c[:3]))
        self.assertIn("More than 2 records changed", answer.user_explanation)
        self.assertEqual(answer.payload[-1].last_modified, "2021-01-01T11:00:00")
        # the next stamp: its second and overlap hold the cap, so the answer reaches the next
        # instant, or SuperOffice would ask for the same again and again
        answer, keys = self.changed("2021-01-01T11:00:00")
        self.assertEqual((answer.state, keys), ("OkWithInfo", c[1:4]))
        answer, keys = self.changed("2021-01-01T12:00:00")
        self.assertEqual((answer.state, keys), ("Ok", c[3:]))
        # below the cap nothing changes: everything on or after the stamp (and its overlap)
        self.conn_a.search_limit = 500
        answer, keys = self.changed("2020-06-01T00:00:00")
        self.assertEqual((answer.state, keys), ("Ok", c))

    def test_everything_of_one_second_is_sent_when_nothing_follows(self):
        self.stamp()
        self.env.cr.execute("UPDATE res_partner SET write_date = %s WHERE id IN %s",
                            ["2021-01-01 13:00:00.25", tuple(self.companies.ids[2:])])
        self.env.invalidate_all()
        answer, keys = self.changed("2021-01-01T13:00:00")
        self.assertEqual((answer.state, keys), ("Ok", self.companies.ids[2:]))

    def test_the_engine_gets_every_change_over_successive_polls(self):
        engine = ErpSyncEngine(self.client(), self.config(), guid=self.guid,
                               mapping={"Customer": ["NAME", "STREETCITY"]})
        for n, company in enumerate(self.companies):
            engine.connect(f"crm-{n}", "Customer", str(company.id),
                           {"NAME": company.name, "STREETCITY": "Oslo"})
        self.companies.write({"city": "Bergen"})
        self.stamp()
        polls = 0
        while any(engine.crm[f"crm-{n}"]["STREETCITY"] != "Bergen" for n in range(len(STAMPS))):
            polls += 1
            self.assertLessEqual(polls, 8, f"no convergence: {engine.crm}")
            before = dict(engine.watermarks)
            engine.poll()
            self.assertGreater(engine.watermarks["Customer"], before.get("Customer", ""))
        self.assertGreater(polls, 2)  # the cap made it take several polls
        self.assertEqual(engine.conflicts, [])
        self.assertEqual(engine.poll(), [])
        self.assertEqual(set(self.companies.mapped("city")), {"Bergen"})
