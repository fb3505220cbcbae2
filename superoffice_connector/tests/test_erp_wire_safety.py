"""ERP Sync Connector: safe for a real WCF client on SuperOffice's side, over real HTTP.

SuperOffice's engine (``superoffice_sim.erp_engine``) runs its flows with a client that reads
like a DataContractSerializer of each plausible contract order (``superoffice_sim.erp_contract``).
"""

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from superoffice_sim.erp_client import ErpClient
from superoffice_sim.erp_engine import EngineError, ErpSyncEngine

from ..erp import wire
from .erp_common import Actor, ErpCase, Restriction

LOGGERS = ("odoo.addons.superoffice_connector.models.superoffice_erp_operations",)


@tagged("post_install", "-at_install")
class TestErpStrictContracts(ErpCase):
    def engine(self, contract):
        client = ErpClient(self.url(), session=self.opener, contract=contract)
        return ErpSyncEngine(client, self.config(), guid=self.guid, mapping={
            "Customer": ["NAME", "STREETCITY"], "Person": ["FIRSTNAME", "LASTNAME", "EMAIL"],
            "Project": ["NAME"], "Supplier": ["NAME"]})

    def test_every_flow_reads_state_explanation_and_payload_under_each_order(self):
        for contract in ("alphabetical", "documented"):
            with self.subTest(contract=contract):
                self.acme.city = "Oslo"
                engine = self.engine(contract)
                config_fields = engine.set_up()
                self.assertEqual([m["FieldKey"] for m in config_fields],
                                 ["COMPANY", "ALLOWCREATE", "KEY"])
                self.assertEqual(engine.fields["Customer"]["COUNTRY"]["ListName"], "Country")
                self.assertIn("NAME", engine.searchable["Customer"])
                hits = engine.search("Customer", "Acme")
                self.assertIn(("Acme AS", "Oslo"), [
                    (a.field_values["NAME"], a.field_values["STREETCITY"]) for a in hits])
                by_city = engine.search_advanced("Customer", [("STREETCITY", "=", ["Bergen"])])
                self.assertEqual([a.erp_key for a in by_city], [str(self.beta.id)])
                engine.connect("crm-acme", "Customer", str(self.acme.id),
                               {"NAME": "Acme AS", "STREETCITY": "Drammen"})
                self.assertEqual(self.acme.city, "Drammen")
                created = engine.create_in_erp(
                    "crm-new", "Person", {"FIRSTNAME": "Kari", "LASTNAME": f"Nord {contract}",
                                          "EMAIL": ""}, parent=("Customer", str(self.acme.id)))
                person = self.env["res.partner"].browse(int(created.erp_key))
                self.assertEqual((person.name, person.parent_id), (f"Kari Nord {contract}", self.acme))
                under = engine.call("SearchActorByParent", ActorType="Person",
                                    SearchText=f"Kari Nord {contract}",
                                    ParentActorType="Customer", ParentActorErpKey=str(self.acme.id),
                                    FieldKeys=["LASTNAME"])
                self.assertEqual((under.state, under.payload[0].erp_key), ("Ok", created.erp_key))
                items = engine.call("GetListItems", ListName="Country", ListItemKeys=["NO"])
                self.assertEqual(items.payload, {"NO": "Norway"})
                self.acme.city = "Hamar"
                engine.poll()
                self.assertEqual(engine.crm["crm-acme"]["STREETCITY"], "Hamar")
                self.assertEqual(engine.poll(), [])
                # what the worst case drops, as erp/wire.py says: LastModified under documented
                self.assertEqual(bool(engine.links["crm-new"].last_modified),
                                 contract == "alphabetical")
                self.assertTrue(engine.call("DeleteConnection").ok)
                self.conn_a.action_release()
                self.assertTrue(engine.call("SaveConnection", ConnectionInfo=self.config()).ok)

    @mute_logger(*LOGGERS)
    def test_unknown_connection_is_named_in_the_explanation_when_the_code_is_dropped(self):
        code = wire.value("unknown_connection_code")
        self.conn_a.action_release()
        engine = self.engine("alphabetical")
        with self.assertRaises(EngineError) as caught:
            engine.call("TestConnection")
        answer = caught.exception.answer
        self.assertEqual((answer.state, answer.error_code), ("Error", ""))
        self.assertIn(code, answer.user_explanation)
        self.assertIn("Save the connection in SuperOffice again", answer.user_explanation)
        self.assertEqual(engine.resends, 0)  # SuperOffice cannot act on a code it did not read
        # the documented order keeps the code, and SuperOffice resends its configuration
        engine = self.engine("documented")
        self.assertTrue(engine.call("TestConnection").ok)
        self.assertEqual((engine.resends, self.conn_a.state), (1, "connected"))


@tagged("post_install", "-at_install")
class TestErpQuotas(ErpCase):
    """Answers within the answer size limit and WCF's string quota; the client refuses like a
    default WCF client (65,536 bytes, 8,192 characters)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.many = cls.env["res.partner"].create([{
            "name": f"Quota {n:03d} " + "Långt navn & co " * 6, "is_company": True,
            "company_id": cls.company_a.id, "street": "Storgata " * 8, "city": "Trondheim",
            "email": f"quota{n}@example.com", "ref": f"Q-{n}"} for n in range(200)])

    def blank_search(self, client=None):
        answer = (client or self.client()).call(
            "SearchActorsAdvanced", ConnectionGuid=self.guid, ActorType="Customer", FieldKeys=[],
            Restrictions=[Restriction("NAME", "begins", ["Quota"])])
        self.assertTrue(answer.ok, answer.user_explanation)
        return answer

    def test_answers_are_cut_at_a_record_boundary_within_the_budget(self):
        answer = self.blank_search(ErpClient(self.url(), session=self.opener,
                                             max_received=self.conn_a.answer_budget))
        self.assertEqual(answer.state, "OkWithInfo")
        self.assertIn(f"Only the first {len(answer.payload)} records", answer.user_explanation)
        self.assertLess(len(answer.payload), 200)
        by_id = {str(p.id): p for p in self.many}
        for actor in answer.payload:  # every record whole, no value cut
            partner = by_id[actor.erp_key]
            self.assertEqual((actor.field_values["NAME"], actor.field_values["STREETAD1"]),
                             (partner.name, partner.street))
        # the next record would not have fit
        self.assertEqual([a.erp_key for a in answer.payload],
                         [str(i) for i in self.many.sorted("name").ids[:len(answer.payload)]])

    def test_a_raised_budget_holds_the_search_limit(self):
        self.conn_a.answer_budget = 1_000_000
        answer = self.blank_search(ErpClient(self.url(), session=self.opener,
                                             max_received=1_000_000))
        self.assertEqual((answer.state, len(answer.payload)), ("Ok", 200))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.conn_a.write({"answer_budget": 16000})

    def test_get_actors_and_lists_stay_within_the_default_quota(self):
        keys = [str(i) for i in self.many.ids[:100]]
        answer = self.call("GetActors", ActorType="Customer", ErpKeys=keys, FieldKeys=[])
        self.assertEqual(answer.state, "OkWithInfo")
        self.assertEqual([a.erp_key for a in answer.payload], keys[:len(answer.payload)])
        self.assertIn("ask for fewer", answer.user_explanation)
        states = self.call("GetList", ListName="State")
        self.assertTrue(states.ok, states.user_explanation)
        all_states = self.env["res.country.state"].search_count([])
        self.assertEqual(len(states.payload) < all_states, states.state == "OkWithInfo")

    def test_a_value_over_the_string_quota_is_left_out_and_never_blanked(self):
        long_text = "Beskrivelse " * 900  # 10,800 characters
        self.project.description = f"<p>{long_text}</p>"
        answer = self.call("GetActors", ActorType="Project", ErpKeys=[str(self.project.id)],
                           FieldKeys=["NAME", "TEXT"])
        self.assertEqual(answer.state, "OkWithInfo")
        self.assertEqual(answer.payload[0].field_values, {"NAME": "Relaunch"})
        self.assertIn(f"TEXT ({self.project.id})", answer.user_explanation)
        # SuperOffice writes back what it has: a blank TEXT must not blank Odoo's description
        saved = self.call("SaveActors", Actors=[Actor(
            "Project", str(self.project.id), answer.payload[0].last_modified,
            field_values={"NAME": "Relaunch 2", "TEXT": ""})])
        self.assertEqual(saved.state, "OkWithInfo")
        self.assertIn("Not written: TEXT", saved.user_explanation)
        self.assertEqual(self.project.name, "Relaunch 2")
        self.assertIn(long_text.strip(), self.project.description)
