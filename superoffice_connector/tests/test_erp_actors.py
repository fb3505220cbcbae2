"""ERP Sync Connector: actors on Odoo records (read, search, create, save, changed since), in
two companies, over real HTTP."""

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .. import compat
from .erp_common import Actor, ErpCase, Restriction

LOGGER = "odoo.addons.superoffice_connector.models.superoffice_erp_operations"


@tagged("post_install", "-at_install")
class TestErpActorsRead(ErpCase):
    def test_get_actors_encodes_every_value_type(self):
        customer = self.call("GetActors", ActorType="Customer", ErpKeys=[str(self.acme.id)],
                             FieldKeys=[]).payload[0]
        values = customer.field_values
        self.assertEqual(customer.erp_key, str(self.acme.id))
        self.assertEqual((values["NAME"], values["NUMBER1"], values["VATNO"], values["COUNTRY"]),
                         ("Acme AS", "C-100", "NO123456789MVA", "NO"))
        self.assertEqual(values["LATITUDE"], "[F:59.91]")
        self.assertEqual(values["ODOOID"], f"[I:{self.acme.id}]")
        self.assertTrue(values["LASTMODIFIED"].startswith("[DT:"))
        self.assertEqual(customer.last_modified, self.acme.write_date.strftime(
            "%Y-%m-%dT%H:%M:%S.%f") + f".{self.acme.id:012d}")
        person = self.call("GetActors", ActorType="Person", ErpKeys=[str(self.ola.id)],
                           FieldKeys=["FIRSTNAME", "LASTNAME", "EMPLOYEE", "POSITION"]).payload[0]
        self.assertEqual(person.field_values, {"FIRSTNAME": "Ola", "LASTNAME": "Nordmann",
                                               "EMPLOYEE": "[I:1]", "POSITION": "CEO"})
        self.assertEqual((person.parent_actor_type, person.parent_erp_key),
                         ("Customer", str(self.acme.id)))
        project = self.call("GetActors", ActorType="Project", ErpKeys=[str(self.project.id)],
                            FieldKeys=["NAME", "TEXT", "ENDDATE"]).payload[0]
        self.assertEqual(project.field_values, {
            "NAME": "Relaunch", "TEXT": "Phase one", "ENDDATE": "[DT:06/30/2026 00:00:00.0000000]"})

    def test_records_linked_as_a_type_are_a_sub_select(self):
        """The companies a connection linked as Customer reach the Customer's queries as a
        sub-select of the links, not as a list of their ids that grows with the table."""
        Record = self.env["superoffice.erp.record"]
        Record._mark(self.conn_a, "Customer", self.acme)
        Record._mark(self.conn_b, "Customer", self.other)
        actor = self.conn_a._erp_actor("Customer")
        self.assertIsInstance(actor.linked, SQL)
        Partner = self.env["res.partner"].sudo()
        self.assertEqual(Partner.search([("id", "in", actor.linked)]), self.acme)
        self.assertFalse(Partner.search([("id", "in", self.conn_a._erp_actor("Supplier").linked)]))

    def test_other_company_records_are_invisible(self):
        answer = self.call("GetActors", ActorType="Customer", FieldKeys=["NAME"],
                           ErpKeys=[str(self.other.id), str(self.acme.id)])
        self.assertEqual(self.keys(answer), {self.acme.id})
        everything = self.keys(self.call("SearchActors", ActorType="Customer", SearchText="",
                                         FieldKeys=["NAME"]))
        self.assertIn(self.acme.id, everything)
        self.assertNotIn(self.other.id, everything)

    def test_simple_search_and_blank_search_with_its_cap(self):
        self.assertEqual(self.keys(self.call("SearchActors", ActorType="Customer",
                                             SearchText="acme", FieldKeys=["NAME"])), {self.acme.id})
        self.assertEqual(self.keys(self.call("SearchActors", ActorType="Customer",
                                             SearchText="C-100", FieldKeys=[])), {self.acme.id})
        total = self.env["res.partner"].search_count([
            ("is_company", "=", True), ("parent_id", "=", False),
            ("company_id", "in", [False, self.company_a.id])])
        self.assertEqual(len(self.keys(self.call("SearchActors", ActorType="Customer",
                                                 SearchText="", FieldKeys=[]))), total)
        self.conn_a.search_limit = 1
        capped = self.call("SearchActors", ActorType="Customer", SearchText="", FieldKeys=[])
        self.assertEqual((capped.state, len(capped.payload)), ("OkWithInfo", 1))
        self.assertIn("first 1", capped.user_explanation)

    def test_search_by_parent(self):
        answer = self.call("SearchActorByParent", ActorType="Person", SearchText="",
                           ParentActorType="Customer", ParentActorErpKey=str(self.acme.id),
                           FieldKeys=["LASTNAME"])
        self.assertEqual(self.keys(answer), {self.ola.id})
        none = self.call("SearchActorByParent", ActorType="Person", SearchText="",
                         ParentActorType="Customer", ParentActorErpKey=str(self.beta.id),
                         FieldKeys=[])
        self.assertEqual(self.keys(none), set())
        self.assertEqual(self.advanced("Person", "ParentErpKey", "=", str(self.acme.id)),
                         {self.ola.id})

    def test_string_operators(self):
        acme, beta = self.acme.id, self.beta.id
        found = {op: self.advanced("Customer", "NAME", op, *vals) & {acme, beta} for op, vals in {
            "=": ["acme as"], "begins": ["ACME"], "contains": ["100%"], "ends": ["_bygg 100%"],
            "notbegins": ["acme"], "notcontains": ["_"], "notends": ["as"], "isnot": ["Acme AS"],
            "between": ["A", "Acme B"],
        }.items()}
        self.assertEqual(found, {
            "=": {acme}, "begins": {acme}, "contains": {beta}, "ends": {beta}, "notbegins": {beta},
            "notcontains": {acme}, "notends": {beta}, "isnot": {beta}, "between": {acme},
        })
        # "_" and "%" match themselves, not any character ("e a" is in "Acme AS")
        self.assertEqual(self.advanced("Customer", "NAME", "contains", "e_a") & {acme, beta}, set())
        self.assertEqual(self.advanced("Customer", "NAME", "ends", "Bygg 100%") & {acme, beta},
                         {beta})

    def test_number_bool_list_and_date_operators(self):
        acme, beta = self.acme.id, self.beta.id
        pair = {acme, beta}
        self.assertEqual(self.advanced("Customer", "LATITUDE", ">", "[F:60]") & pair, {beta})
        self.assertEqual(self.advanced("Customer", "LATITUDE", "<=", "[D:59.91]") & pair, {acme})
        self.assertEqual(self.advanced("Customer", "LATITUDE", "between", "[F:59]", "[F:61]") & pair,
                         pair)
        self.assertEqual(self.advanced("Customer", "ODOOID", "=", f"[I:{acme}]"), {acme})
        self.assertEqual(self.advanced("Customer", "ODOOID", "!=", f"[I:{acme}]") & pair, {beta})
        self.assertEqual(self.advanced("Customer", "ODOOID", ">=", f"[I:{beta}]") & pair,
                         {i for i in pair if i >= beta})
        self.assertEqual(self.advanced("Customer", "ODOOID", "<", f"[I:{beta}]") & pair,
                         {i for i in pair if i < beta})
        self.assertEqual(self.advanced("Customer", "COUNTRY", "oneof", "NO", "DK") & pair, {acme})
        self.assertEqual(self.advanced("Customer", "COUNTRY", "notoneof", "NO") & pair, {beta})
        self.assertEqual(self.advanced("Person", "EMPLOYEE", "=", "[I:1]"), {self.ola.id})
        project = self.project.id
        for op, value, expected in (
            ("=", "[DT:06/30/2026 00:00:00]", {project}), ("before", "[DT:06/30/2026]", set()),
            ("beforeOrEqual", "[DT:06/30/2026]", {project}), ("after", "[DT:06/29/2026]", {project}),
            ("afterOrEqual", "[D:01.07.2026]", set()),
        ):
            found = self.advanced("Project", "ENDDATE", op, value) & {project}
            self.assertEqual(found, expected, op)
        self.assertEqual(self.advanced("Project", "ENDDATE", "between", "[DT:01/01/2026]",
                                       "[DT:06/30/2026]") & {project}, {project})

    @mute_logger(LOGGER)
    def test_bad_restrictions_are_errors(self):
        for key, op, values in (("NAME", ">", ["a"]), ("TEXT", "=", ["x"]), ("NOPE", "=", ["x"]),
                                ("ODOOID", "=", ["ten"]), ("NAME", "between", ["a"])):
            answer = self.call("SearchActorsAdvanced", ActorType="Customer", FieldKeys=[],
                               Restrictions=[Restriction(key, op, values)])
            self.assertError(answer)

    def test_lists(self):
        countries = self.call("GetList", ListName="Country").payload
        self.assertEqual(countries["NO"], "Norway")
        self.assertEqual(self.call("GetListItems", ListName="Country",
                                   ListItemKeys=["SE", "XX"]).payload, {"SE": "Sweden"})
        self.assertError(self.call("GetList", ListName="Nothing"))

    def test_actors_changed_since(self):
        self.env.cr.execute("UPDATE res_partner SET write_date = '2020-01-01 10:00:00' WHERE id IN %s",
                            [(self.acme.id, self.beta.id)])
        self.env.invalidate_all()
        changed = self.keys(self.call("GetActorsByTimestamp", ActorType="Customer",
                                      UpdatedOnOrAfter="2020-01-01T10:01:01", FieldKeys=["NAME"]))
        self.assertNotIn(self.acme.id, changed)
        self.beta.city = "Stavanger"
        changed = self.keys(self.call("GetActorsByTimestamp", ActorType="Customer",
                                      UpdatedOnOrAfter="2020-01-01T10:01:01", FieldKeys=["NAME"]))
        self.assertIn(self.beta.id, changed)
        self.assertNotIn(self.acme.id, changed)
        # "on or after", with a minute of overlap for transactions that commit late
        within_overlap = self.keys(self.call("GetActorsByTimestamp", ActorType="Customer",
                                             UpdatedOnOrAfter="2020-01-01T10:01:00", FieldKeys=[]))
        self.assertIn(self.acme.id, within_overlap)


@tagged("post_install", "-at_install")
class TestErpActorsWrite(ErpCase):
    def new_customer(self, **values):
        return Actor("Customer", field_values={"NAME": "Gamma AS", "STREETCITY": "Tromsø",
                                               "COUNTRY": "NO", "LATITUDE": "[F:69.6]", **values})

    def test_create_customer_person_and_project(self):
        created = self.call("CreateActor", Actor=self.new_customer())
        self.assertTrue(created.ok, created.user_explanation)
        partner = self.env["res.partner"].browse(int(created.payload.erp_key))
        self.assertEqual((partner.name, partner.city, partner.country_id.code, partner.company_id),
                         ("Gamma AS", "Tromsø", "NO", self.company_a))
        self.assertAlmostEqual(partner.partner_latitude, 69.6)
        self.assertTrue(partner.is_company and created.payload.last_modified)
        person = self.call("CreateActor", Actor=Actor(
            "Person", parent_actor_type="Customer", parent_erp_key=created.payload.erp_key,
            field_values={"FIRSTNAME": "Kari", "LASTNAME": "Nordmann", "EMPLOYEE": "[I:0]"}))
        self.assertTrue(person.ok, person.user_explanation)
        kari = self.env["res.partner"].browse(int(person.payload.erp_key))
        self.assertEqual((kari.name, kari.parent_id), ("Kari Nordmann", partner))
        project = self.call("CreateActor", Actor=Actor("Project", field_values={
            "NAME": "Pilot", "TEXT": "Two weeks", "STARTDATE": "[DT:01/15/2027 00:00:00.0000000]"}))
        record = self.env["project.project"].browse(int(project.payload.erp_key))
        self.assertEqual((record.name, str(record.date_start), record.company_id),
                         ("Pilot", "2027-01-15", self.company_a))
        self.assertEqual(project.payload.field_values["TEXT"], "Two weeks")

    def test_create_retry_with_the_same_values_creates_once(self):
        first = self.call("CreateActor", Actor=self.new_customer())
        second = self.call("CreateActor", Actor=self.new_customer())
        self.assertEqual(first.payload.erp_key, second.payload.erp_key)
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Gamma AS")]), 1)
        other = self.call("CreateActor", Actor=self.new_customer(STREETCITY="Bodø"))
        self.assertNotEqual(other.payload.erp_key, first.payload.erp_key)

    @mute_logger(LOGGER)
    def test_create_errors_change_nothing(self):
        count = self.env["res.partner"].search_count([])
        self.assertError(self.call("CreateActor", Actor=self.new_customer(NAME="")), text="NAME")
        self.assertError(self.call("CreateActor", Actor=self.new_customer(COUNTRY="XX")))
        self.assertError(self.call("CreateActor", Actor=self.new_customer(LATITUDE="north")))
        self.assertError(self.call("CreateActor", Actor=Actor(
            "Person", parent_erp_key=str(self.other.id), field_values={"LASTNAME": "X"})))
        self.conn_a.allow_create = False
        self.assertError(self.call("CreateActor", Actor=self.new_customer()), text="may not create")
        self.assertEqual(self.env["res.partner"].search_count([]), count)

    @mute_logger(LOGGER)
    def test_superoffice_configuration_may_forbid_create(self):
        self.call("SaveConnection", ConnectionInfo=self.config(ALLOWCREATE="[I:0]"))
        self.assertError(self.call("CreateActor", Actor=self.new_customer()), text="may not create")

    def test_save_actors_writes_and_returns_re_read_actors(self):
        answer = self.call("SaveActors", Actors=[
            Actor("Customer", str(self.acme.id), field_values={
                "NAME": "Acme Holding AS", "COUNTRY": "SE", "ODOOID": "[I:1]"}),
            Actor("Person", str(self.ola.id), field_values={"FIRSTNAME": "Ole"}),
        ])
        self.assertTrue(answer.ok, answer.user_explanation)
        self.assertEqual((self.acme.name, self.acme.country_id.code), ("Acme Holding AS", "SE"))
        self.assertEqual(self.ola.name, "Ole Nordmann")
        self.assertEqual(answer.payload[0].field_values["ODOOID"], f"[I:{self.acme.id}]")
        self.assertEqual(answer.payload[1].field_values, {"FIRSTNAME": "Ole"})
        linked = self.env["superoffice.erp.record"].search([("connection_id", "=", self.conn_a.id)])
        self.assertEqual(linked.partner_id, self.acme | self.ola)

    def test_unchanged_save_keeps_last_modified(self):
        self.env.cr.execute("UPDATE res_partner SET write_date = '2020-01-01 10:00:00' WHERE id = %s",
                            [self.acme.id])
        self.env.invalidate_all()
        echo = self.call("SaveActors", Actors=[Actor("Customer", str(self.acme.id), field_values={
            "NAME": "Acme AS", "COUNTRY": "NO", "LATITUDE": "[F:59.91]"})])
        self.assertEqual(echo.payload[0].last_modified,
                         f"2020-01-01T10:00:00.000000.{self.acme.id:012d}")
        changed = self.call("SaveActors", Actors=[Actor("Customer", str(self.acme.id),
                                                        field_values={"NAME": "Acme ASA"})])
        self.assertGreater(changed.payload[0].last_modified, echo.payload[0].last_modified)

    @mute_logger(LOGGER)
    def test_a_bad_actor_rolls_back_the_whole_save(self):
        answer = self.call("SaveActors", Actors=[
            Actor("Customer", str(self.acme.id), field_values={"NAME": "Changed"}),
            Actor("Customer", str(self.other.id), field_values={"NAME": "Not mine"}),
        ])
        self.assertError(answer, text="not in Odoo")
        self.env.invalidate_all()
        self.assertEqual((self.acme.name, self.other.name), ("Acme AS", "Acme Other Company"))

    @mute_logger(LOGGER)
    def test_company_b_connection_sees_and_writes_only_company_b(self):
        guid_b = "b" * 8 + "-0000-0000-0000-" + "b" * 12
        self.assertTrue(self.client(self.conn_b.key).call(
            "SaveConnection", ConnectionGuid=guid_b, ConnectionInfo=self.config(self.conn_b)).ok)
        found = self.keys(self.call("SearchActors", key=self.conn_b.key, ConnectionGuid=guid_b,
                                    ActorType="Customer", SearchText="acme", FieldKeys=[]))
        self.assertEqual(found, {self.other.id})
        answer = self.call("SaveActors", key=self.conn_b.key, ConnectionGuid=guid_b, Actors=[
            Actor("Customer", str(self.acme.id), field_values={"NAME": "Hijacked"})])
        self.assertError(answer)
        created = self.call("CreateActor", key=self.conn_b.key, ConnectionGuid=guid_b,
                            Actor=self.new_customer(NAME="Delta AS"))
        delta = self.env["res.partner"].browse(int(created.payload.erp_key))
        self.assertEqual(delta.company_id, self.company_b)
        self.assertEqual(self.acme.name, "Acme AS")

    @mute_logger(LOGGER)
    def test_calls_run_with_the_acting_users_rights(self):
        self.user_a[compat.GROUP_FIELD] -= self.env.ref("project.group_project_manager") | \
            self.env.ref("project.group_project_user")
        answer = self.call("CreateActor", Actor=Actor("Project", field_values={"NAME": "Sneaky"}))
        self.assertError(answer)
        self.assertFalse(self.env["project.project"].search([("name", "=", "Sneaky")]))
