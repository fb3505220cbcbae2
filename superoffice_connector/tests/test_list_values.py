"""List values (category, business, project status and type) reach SuperOffice by name: a value
SuperOffice's list has is sent with its id, a value it lacks is held and Sync now says so, and a
value an administrator adds to SuperOffice's list later is sent at the next sync. Users of two
companies, each with the connection of their own company."""

from odoo.fields import Command
from odoo.tests import Form, tagged

from ..sync import merge
from .test_company_walls import CompanyWallsCase

# refdata of the simulator: Category, Business, ProjectStatus, ProjectType ids
PARTNER, COMPETITOR = 4, 5
FINANCE = 5
PLANNED, IN_PROGRESS = 1, 2
INTERNAL = 2
# Odoo keeps a project's dates both or neither
START, END = "2027-01-04T00:00:00", "2027-06-30T00:00:00"


class ListValuesCase(CompanyWallsCase):
    def sides(self):
        """(user, company, connection) of company A and of company B."""
        return ((self.user_a, self.company_a, self.connection),
                (self.user_b, self.company_b, self.connection_b))

    def tag(self, name):
        Tag = self.env["res.partner.category"]
        return Tag.search([("name", "=", name)], limit=1) or Tag.create({"name": name})

    def stage(self, name):
        return self.env["project.project.stage"].search([("name", "=", name)], limit=1)

    def linked_company(self, user, company, connection, name):
        """A company of ``company``, in step with a SuperOffice company of category Partner."""
        contact = self.so_create_contact(name, Category={"Id": PARTNER})
        partner = self.env["res.partner"].create({
            "name": name, "is_company": True, "company_id": company.id,
            "category_id": [Command.set(self.tag("Partner").ids)],
            "country_id": self.env.ref("base.no").id,
        })
        self.link_partner(partner, contact["ContactId"], connection=connection)
        self.assert_in_step(partner, connection)
        return partner.with_user(user).with_company(company)

    def linked_project(self, user, company, connection, name):
        """A project of ``company`` in step with a SuperOffice project of status Planned."""
        so_project = self.so_create_project(name, StartDate=START, EndDate=END,
                                            ProjectStatus={"Id": PLANNED})
        project = self.env["project.project"].create({
            "name": name, "company_id": company.id, "stage_id": self.stage("Planned").id
            or self.env["project.project.stage"].create({"name": "Planned"}).id,
        })
        link = self.link_project(project, so_project["ProjectId"], connection=connection,
                                 base_snapshot={})
        # a first sync that takes SuperOffice's values, as Connect's defaults do
        connection.conflict_policy = "superoffice_wins"
        connection._sync_link(link)
        connection.conflict_policy = "manual"
        self.assert_in_step(project, connection)
        return project.with_user(user).with_company(company)

    def sync_now(self, record):
        """Sync now as the user; returns the notification's message."""
        params = record.action_superoffice_sync_now()["params"]
        self.assertEqual(params["type"], "success", params["message"])
        return params["message"]


@tagged("post_install", "-at_install")
class TestListValueSuperOfficeHas(ListValuesCase):
    def test_category_chosen_in_odoo_reaches_superoffice(self):
        for user, company, connection in self.sides():
            partner = self.linked_company(user, company, connection, f"Rival {company.name}")
            partner.category_id = [Command.set(self.tag("Competitor").ids)]
            message = self.sync_now(partner)
            self.assertEqual(message, "Sent to SuperOffice: Category.")
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], COMPETITOR)
            self.assertFalse(link.base_snapshot.get(merge.HELD))
            self.assertFalse([b for b in partner.sudo().message_ids.mapped("body")
                              if "no matching value" in b])

    def test_business_chosen_in_odoo_reaches_superoffice(self):
        industry = self.env["res.partner.industry"].create({"name": "Finance"})
        for user, company, connection in self.sides():
            partner = self.linked_company(user, company, connection, f"Bank {company.name}")
            partner.industry_id = industry
            self.assertEqual(self.sync_now(partner), "Sent to SuperOffice: Business.")
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_contact(link.so_id)["Business"]["Id"], FINANCE)

    def test_project_stage_chosen_in_odoo_reaches_superoffice(self):
        for user, company, connection in self.sides():
            project = self.linked_project(user, company, connection, f"Started {company.name}")
            project.stage_id = self.stage("In Progress")
            self.assertEqual(self.sync_now(project), "Sent to SuperOffice: Status.")
            link = self.assert_in_step(project, connection)
            self.assertEqual(self.so_project(link.so_id)["ProjectStatus"]["Id"], IN_PROGRESS)
            self.assertFalse(link.base_snapshot.get(merge.HELD))

    def test_project_type_chosen_in_odoo_reaches_superoffice(self):
        for user, company, connection in self.sides():
            project = self.linked_project(user, company, connection, f"Inside {company.name}")
            tag = self.env["project.tags"].search([("name", "=", "Internal")], limit=1)
            project.tag_ids = [Command.set((tag or tag.create({"name": "Internal"})).ids)]
            self.assertEqual(self.sync_now(project), "Sent to SuperOffice: Type.")
            link = self.assert_in_step(project, connection)
            self.assertEqual(self.so_project(link.so_id)["ProjectType"]["Id"], INTERNAL)

    def test_create_in_superoffice_sends_the_category(self):
        for user, company, connection in self.sides():
            partner = self.env["res.partner"].create({
                "name": f"Created rival {company.name}", "is_company": True,
                "company_id": company.id, "country_id": self.env.ref("base.no").id,
                "category_id": [Command.set(self.tag("Competitor").ids)],
            })
            wizard = Form(self.env["superoffice.create.wizard"].with_user(user)
                          .with_company(company).with_context(
                              active_model=partner._name, active_id=partner.id)).save()
            self.assertEqual(wizard.connection_id, connection)
            wizard.action_create()
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], COMPETITOR)
            self.assertFalse([b for b in partner.sudo().message_ids.mapped("body")
                              if "Not sent" in b])

    def test_category_chosen_in_superoffice_reaches_odoo(self):
        for user, company, connection in self.sides():
            partner = self.linked_company(user, company, connection, f"Turned {company.name}")
            link = partner.sudo().superoffice_link_ids
            self.sim.store.patch("contact", link.so_id, {"Category": {"Id": COMPETITOR}})
            self.assertEqual(self.sync_now(partner), "Updated in Odoo from SuperOffice: Category.")
            self.assertEqual(partner.sudo().category_id[:1].name, "Competitor")
            self.assert_in_step(partner, connection)


@tagged("post_install", "-at_install")
class TestListValueSuperOfficeLacks(ListValuesCase):
    def test_a_category_superoffice_lacks_is_held_and_sync_now_says_so(self):
        for user, company, connection in self.sides():
            partner = self.linked_company(user, company, connection, f"Trader {company.name}")
            partner.category_id = [Command.set(self.tag("Wholesaler").ids)]
            message = self.sync_now(partner)
            self.assertIn("1 value not sent: Category Wholesaler.", message)
            self.assertNotIn("Nothing changed", message)
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], PARTNER)
            self.assertEqual(link.base_snapshot[merge.HELD]["category"], ["odoo", "Wholesaler"])
            # Sync now again: still truthful, and the chatter told it once
            self.assertIn("1 value not sent: Category Wholesaler.", self.sync_now(partner))
            notes = [b for b in partner.sudo().message_ids.mapped("body") if "Wholesaler" in b]
            self.assertEqual(len(notes), 1)

    def test_a_value_added_to_superoffices_list_later_is_sent(self):
        for user, company, connection in self.sides():
            partner = self.linked_company(user, company, connection, f"Dealer {company.name}")
            partner.category_id = [Command.set(self.tag(f"Dealer {company.id}").ids)]
            self.assertIn("1 value not sent", self.sync_now(partner))
            new_id = self.sim.add_list_item("Category", f"Dealer {company.id}")
            # the push cron: SuperOffice's list was read moments ago, not read again yet
            link = partner.sudo().superoffice_link_ids
            link.action_mark_needs_sync()
            connection._push()
            self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], PARTNER)
            # once the copy is old, the cron sends it
            self.age_shared_copy(connection, "list:category")
            link.action_mark_needs_sync()
            connection._push()
            self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], new_id)
            link = self.assert_in_step(partner, connection)
            self.assertFalse(link.base_snapshot.get(merge.HELD))

    def test_a_value_added_to_superoffices_list_is_sent_by_sync_now_at_once(self):
        for user, company, connection in self.sides():
            partner = self.linked_company(user, company, connection, f"Agent {company.name}")
            partner.category_id = [Command.set(self.tag(f"Agent {company.id}").ids)]
            self.assertIn("1 value not sent", self.sync_now(partner))
            new_id = self.sim.add_list_item("Category", f"Agent {company.id}")
            # Sync now is a person's own action: the list is read again at once
            self.assertEqual(self.sync_now(partner), "Sent to SuperOffice: Category.")
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], new_id)
            self.assertFalse(link.base_snapshot.get(merge.HELD))
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], new_id)
            self.assertFalse(link.base_snapshot.get(merge.HELD))

    def test_a_run_of_records_with_values_superoffice_lacks_reads_the_list_once(self):
        for user, company, connection in self.sides():
            partners = [self.linked_company(user, company, connection, f"Trader {n} {company.name}")
                        for n in range(4)]
            for partner in partners:
                partner.category_id = [Command.set(self.tag("Wholesaler").ids)]
            self.assertIn("1 value not sent: Category Wholesaler.", self.sync_now(partners[0]))
            self.age_shared_copy(connection, "list:category")
            partners[0].sudo().superoffice_link_ids.action_mark_needs_sync()
            reads = self.count_requests("GET", r"/api/v1/List/Category/Items")
            run = connection._push()  # what the push cron runs
            self.assertEqual(run.state, "done")
            self.assertEqual(run.count_failed, 0)
            self.assertEqual(reads.hits, 1, "one read of the list for the run, not one per record")
            for partner in partners:
                link = self.assert_in_step(partner, connection)
                self.assertEqual(self.so_contact(link.so_id)["Category"]["Id"], PARTNER)
                self.assertEqual(link.base_snapshot[merge.HELD]["category"],
                                 ["odoo", "Wholesaler"])
            # each Sync now above (a person's own action) read it once; a second run within
            # the interval reads it not at all
            self.assertEqual(reads.hits, 1 + len(partners))
            for partner in partners:
                partner.sudo().superoffice_link_ids.action_mark_needs_sync()
            connection._push()
            self.assertEqual(reads.hits, 1 + len(partners))
            for partner in partners:
                self.assertIn("1 value not sent: Category Wholesaler.", self.sync_now(partner))
            self.assertEqual(reads.hits, 1 + 2 * len(partners))
            self.sim.faults.remove(reads)

    def test_a_stage_superoffice_lacks_is_held_and_sync_now_says_so(self):
        for user, company, connection in self.sides():
            project = self.linked_project(user, company, connection, f"Finished {company.name}")
            project.stage_id = self.stage("Done")
            message = self.sync_now(project)
            self.assertEqual(
                message, "1 value not sent: Status Done. SuperOffice has no matching value; "
                "add it in SuperOffice, or choose another one.",
            )
            link = self.assert_in_step(project, connection)
            self.assertEqual(self.so_project(link.so_id)["ProjectStatus"]["Id"], PLANNED)

    def test_two_values_superoffice_lacks_are_both_told(self):
        for user, company, connection in self.sides():
            partner = self.linked_company(user, company, connection, f"Mixed {company.name}")
            partner.write({
                "category_id": [Command.set(self.tag("Wholesaler").ids)],
                "industry_id": self.env["res.partner.industry"].create({"name": "Mining"}).id,
            })
            message = self.sync_now(partner)
            self.assertIn("2 values not sent: Category Wholesaler, Business Mining.", message)
            self.assert_in_step(partner, connection)
