"""Values one side holds that the other side cannot represent: Odoo's default project stage "To
Do" is no SuperOffice project status, SuperOffice's status "Completed" is no Odoo stage. Every
flow ends in step (the difference held in the base and told once in the chatter), and a project
comes from SuperOffice for a user without Project Stages too."""

from odoo.tests import Form, tagged

from ..sync import merge
from .common import USER_GROUP
from .test_company_walls import PARTNER_EDITOR, CompanyWallsCase

# refdata.PROJECT_STATUSES of the simulator
PLANNED, IN_PROGRESS, COMPLETED = 1, 2, 3
# Odoo keeps a project's planned dates both or neither
START, END = "2026-09-01T00:00:00", "2027-06-30T00:00:00"
DATES = {"StartDate": START, "EndDate": END}


class ProjectValuesCase(CompanyWallsCase):
    def sides(self):
        """(user, company, connection) of company A and of company B."""
        return ((self.user_a, self.company_a, self.connection),
                (self.user_b, self.company_b, self.connection_b))

    def stage(self, name):
        return self.env["project.project.stage"].search([("name", "=", name)], limit=1)

    def user_project(self, user, company, name):
        """A project ``user`` creates, with no project manager (SuperOffice has no user for
        the test users: an owner difference is not what these tests are about)."""
        project = self.env["project.project"].with_user(user).with_company(company).create(
            {"name": name, "company_id": company.id, "user_id": False}
        )
        self.assertEqual(project.sudo().stage_id, self.stage("To Do"))
        return project

    def notes(self, record, text):
        return [b for b in record.sudo().message_ids.mapped("body") if text in b]

    def connect(self, user, company, project, so_id, choices):
        wizard = Form(self.env["superoffice.connect.wizard"].with_user(user)
                      .with_company(company).with_context(
                          active_model=project._name, active_id=project.id)).save()
        wizard.hit_ids.filtered(lambda hit: hit.so_id == so_id).action_pick()
        for key, choice in choices.items():
            wizard.line_ids.filtered(lambda line, key=key: line.key == key).choice = choice
        wizard.action_connect()

    def sync_again(self, link):
        self.assertEqual(link.connection_id._sync_link(link), "unchanged")
        self.assertEqual(link.state, "linked")


@tagged("post_install", "-at_install")
class TestStageSuperOfficeLacks(ProjectValuesCase):
    def test_create_in_superoffice_keeps_the_stage_and_ends_in_step(self):
        for user, company, connection in self.sides():
            project = self.user_project(user, company, f"Stage created {company.name}")
            wizard = Form(self.env["superoffice.create.wizard"].with_user(user)
                          .with_company(company).with_context(
                              active_model=project._name, active_id=project.id)).save()
            self.assertEqual(wizard.connection_id, connection)
            wizard.action_create()
            self.assertEqual(project.sudo().stage_id, self.stage("To Do"))
            link = self.assert_in_step(project, connection)
            self.assertFalse(self.so_project(link.so_id)["ProjectStatus"]["Id"])
            self.assertEqual(len(self.notes(project, "To Do")), 1)
            self.sync_again(link)
            self.assertEqual(len(self.notes(project, "To Do")), 1)

    def test_connect_choosing_odoos_stage_ends_in_step(self):
        for user, company, connection in self.sides():
            name = f"Stage connected {company.name}"
            so_project = self.so_create_project(name, **DATES, ProjectStatus={"Id": PLANNED})
            project = self.user_project(user, company, name)
            self.connect(user, company, project, so_project["ProjectId"], {"status": "odoo"})
            link = self.assert_in_step(project, connection)
            self.assertEqual(self.so_project(link.so_id)["ProjectStatus"]["Id"], PLANNED)
            self.assertEqual(len(self.notes(project, "To Do")), 1)

    def test_resolving_a_stage_conflict_with_odoos_side_does_not_bring_it_back(self):
        for user, company, connection in self.sides():
            name = f"Stage conflict {company.name}"
            so_project = self.so_create_project(name, **DATES, ProjectStatus={"Id": PLANNED})
            project = self.user_project(user, company, name)
            # linked before the status was in the mapping's base: the next run asks a person
            link = self.link_project(project, so_project["ProjectId"], connection)
            link.base_snapshot = {k: v for k, v in link.base_snapshot.items() if k != "status"}
            self.assertEqual(connection._sync_link(link), "conflict")
            self.assertEqual(link.conflict_fields, ["status"])
            action = link.with_user(user).with_company(company).action_resolve_conflict()
            wizard = self.env[action["res_model"]].with_user(user).browse(action["res_id"])
            line = wizard.line_ids.filtered(lambda line: line.key == "status")
            # the screen says that neither value can be applied to the other side
            self.assertIn("SuperOffice has no To Do", line.note)
            self.assertIn("Odoo has no Planned", line.note)
            line.choice = "odoo"
            wizard.action_connect()
            link = self.assert_in_step(project, connection)
            self.assertEqual(project.sudo().stage_id, self.stage("To Do"))
            self.assertEqual(len(self.notes(project, "To Do")), 1)
            # a later conflict on another field: the known difference is kept, not told again
            project.with_user(user).with_company(company).description = "Odoo side"
            self.sim.store.patch("project", link.so_id, {"Description": "SuperOffice side"})
            self.assertEqual(connection._sync_link(link), "conflict")
            self.assertEqual(link.conflict_fields, ["description"])
            action = link.with_user(user).with_company(company).action_resolve_conflict()
            wizard = self.env[action["res_model"]].with_user(user).browse(action["res_id"])
            self.assertEqual(
                wizard.line_ids.filtered(lambda line: line.key == "status").choice, "odoo"
            )
            wizard.action_connect()
            self.assert_in_step(project, connection)
            self.assertEqual(len(self.notes(project, "To Do")), 1)

    def test_a_stage_edited_in_odoo_that_superoffice_lacks_is_told_once(self):
        for user, company, connection in self.sides():
            name = f"Stage edited {company.name}"
            so_project = self.so_create_project(name, **DATES, ProjectStatus={"Id": IN_PROGRESS})
            project = self.user_project(user, company, name)
            self.connect(user, company, project, so_project["ProjectId"],
                         {"status": "superoffice"})
            link = self.assert_in_step(project, connection)
            self.assertEqual(project.sudo().stage_id, self.stage("In Progress"))
            project.with_user(user).with_company(company).stage_id = self.stage("Done")
            self.assertEqual(link.state, "needs_sync")
            self.assertEqual(connection._sync_link(link), "unchanged")
            self.assert_in_step(project, connection)
            self.assertEqual(self.so_project(link.so_id)["ProjectStatus"]["Id"], IN_PROGRESS)
            # (Odoo 18.0 also mails the customer when a project reaches Done: not a note of ours)
            notes = self.notes(project, "Status Done was not sent")
            self.assertEqual(len(notes), 1, notes)
            # back to a stage SuperOffice has: the hold ends
            project.with_user(user).with_company(company).stage_id = self.stage("In Progress")
            self.assertEqual(connection._sync_link(link), "unchanged")
            self.assertFalse(link.base_snapshot.get(merge.HELD))
            self.assert_in_step(project, connection)


@tagged("post_install", "-at_install")
class TestStatusOdooLacks(ProjectValuesCase):
    def test_a_status_odoo_has_no_stage_for_is_told_once(self):
        for user, company, connection in self.sides():
            name = f"Status completed {company.name}"
            so_project = self.so_create_project(name, **DATES, ProjectStatus={"Id": IN_PROGRESS})
            project = self.user_project(user, company, name)
            self.connect(user, company, project, so_project["ProjectId"],
                         {"status": "superoffice"})
            link = self.assert_in_step(project, connection)
            self.sim.store.patch("project", link.so_id, {"ProjectStatus": {"Id": COMPLETED}})
            self.assertEqual(connection._sync_link(link), "unchanged")
            self.assertEqual(project.sudo().stage_id, self.stage("In Progress"))
            self.assert_in_step(project, connection)
            self.assertEqual(len(self.notes(project, "Completed")), 1)
            # back to a status Odoo has: the hold ends
            self.sim.store.patch("project", link.so_id, {"ProjectStatus": {"Id": IN_PROGRESS}})
            self.assertEqual(connection._sync_link(link), "unchanged")
            self.assertFalse(link.base_snapshot.get(merge.HELD))
            self.assert_in_step(project, connection)


@tagged("post_install", "-at_install")
class TestCreateInOdooWithoutProjectStages(ProjectValuesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = (USER_GROUP, PARTNER_EDITOR, "project.group_project_manager")
        cls.plain_a = cls.make_user("stageless_a", groups=groups, company=cls.company_a)
        cls.plain_b = cls.make_user("stageless_b", groups=groups, company=cls.company_b)

    def import_project(self, user, company, connection, name):
        so_project = self.so_create_project(name, **DATES, ProjectStatus={"Id": IN_PROGRESS})
        form = Form(self.env["superoffice.import.wizard"].with_user(user).with_company(company)
                    .with_context(default_connection_id=connection.id))
        form.entity_type = "project"
        form.search_text = name
        wizard = form.save()
        wizard.action_search()
        wizard.hit_ids.filtered(lambda hit: hit.so_id == so_project["ProjectId"]).action_pick()
        action = wizard.action_create_in_odoo()
        return self.env[action["res_model"]].browse(action["res_id"]), so_project

    def test_user_without_project_stages_creates_the_project(self):
        for user, company, connection in ((self.plain_a, self.company_a, self.connection),
                                          (self.plain_b, self.company_b, self.connection_b)):
            self.assertFalse(user.has_group("project.group_project_stages"))
            name = f"Stageless import {company.name}"
            project, so_project = self.import_project(user, company, connection, name)
            self.assertEqual(project.company_id, company)
            self.assertEqual(project.superoffice_link_ids.connection_id, connection)
            self.assertNotEqual(project.sudo().stage_id, self.stage("In Progress"))
            link = self.assert_in_step(project, connection)
            self.assertEqual(self.so_project(link.so_id)["ProjectStatus"]["Id"], IN_PROGRESS)
            self.assertEqual(len(self.notes(project, "In Progress")), 1)

    def test_user_with_project_stages_gets_the_stage(self):
        for user, company, connection in self.sides():
            name = f"Staged import {company.name}"
            project, _so_project = self.import_project(user, company, connection, name)
            self.assertEqual(project.sudo().stage_id, self.stage("In Progress"))
            self.assert_in_step(project, connection)


@tagged("post_install", "-at_install")
class TestProjectStartDate(ProjectValuesCase):
    """Odoo 19 keeps a project's start date without an end date when the project is created
    with it (a later write drops a lone start date: both or neither); SuperOffice's StartDate is
    the project's start date."""

    def create_in_odoo(self, user, company, connection, name):
        """Create in Odoo of a SuperOffice project that starts on 2020-04-17 and has no end."""
        so_project = self.so_create_project(name, StartDate="2020-04-17T00:00:00")
        form = Form(self.env["superoffice.import.wizard"].with_user(user)
                    .with_company(company).with_context(default_connection_id=connection.id))
        form.entity_type = "project"
        form.search_text = name
        wizard = form.save()
        wizard.action_search()
        wizard.hit_ids.filtered(lambda hit: hit.so_id == so_project["ProjectId"]).action_pick()
        line = wizard.line_ids.filtered(lambda line: line.key == "date_start")
        self.assertEqual(line.value, "2020-04-17")
        action = wizard.action_create_in_odoo()
        return self.env[action["res_model"]].browse(action["res_id"])

    def test_create_in_odoo_without_end_date_keeps_the_start_date(self):
        for user, company, connection in self.sides():
            project = self.create_in_odoo(user, company, connection, f"Started {company.name}")
            self.assertEqual(str(project.sudo().date_start), "2020-04-17")
            self.assertFalse(project.sudo().date)
            link = self.assert_in_step(project, connection)
            self.assertNotIn("date_start", link.base_snapshot.get(merge.HELD) or {})
            self.assertFalse(self.notes(project, "2020-04-17"))
            self.assertEqual(self.so_project(link.so_id)["StartDate"], "2020-04-17T00:00:00")

    def test_start_date_set_in_odoo_reaches_superoffices_start_date(self):
        for user, company, connection in self.sides():
            name = f"Planned dates {company.name}"
            so_project = self.so_create_project(name, **DATES, ProjectStatus={"Id": PLANNED})
            project = self.user_project(user, company, name)
            self.connect(user, company, project, so_project["ProjectId"],
                         {"status": "superoffice"})
            link = self.assert_in_step(project, connection)
            # Odoo's planned dates are set both or neither
            project.with_user(user).with_company(company).write(
                {"date_start": "2027-01-04", "date": "2027-06-30"})
            self.assertEqual(connection._sync_link(link), "pushed")
            self.assertEqual(self.so_project(link.so_id)["StartDate"], "2027-01-04T00:00:00")
            self.assert_in_step(project, connection)

    def test_a_later_start_date_odoo_drops_is_held_and_told_why(self):
        for user, company, connection in self.sides():
            project = self.create_in_odoo(user, company, connection, f"Moved {company.name}")
            link = self.assert_in_step(project, connection)
            self.sim.store.patch("project", link.so_id, {"StartDate": "2020-05-04T00:00:00"})
            self.assertEqual(connection._sync_link(link), "unchanged")
            self.assertEqual(str(project.sudo().date_start), "2020-04-17")
            note = self.notes(project, "2020-05-04")
            self.assertEqual(len(note), 1)
            self.assertIn("only together with an end date", note[0])
            self.assert_in_step(project, connection)

    def test_end_date_cleared_in_superoffice_keeps_superoffices_start_date(self):
        # Odoo clears both planned dates when one is cleared: the start date it loses that way
        # is SuperOffice's, held, and never sent back to SuperOffice as an empty date
        for user, company, connection in self.sides():
            name = f"Ends open {company.name}"
            so_project = self.so_create_project(name, **DATES, ProjectStatus={"Id": PLANNED})
            project = self.user_project(user, company, name)
            self.connect(user, company, project, so_project["ProjectId"],
                         {"status": "superoffice"})
            link = self.assert_in_step(project, connection)
            self.assertEqual(str(project.sudo().date_start), START[:10])
            self.sim.store.patch("project", link.so_id, {"EndDate": "0001-01-01T00:00:00"})
            connection._sync_link(link)
            self.assertFalse(project.sudo().date)
            self.assertEqual(self.so_project(link.so_id)["StartDate"], START)
            connection._sync_link(link)
            self.assertEqual(self.so_project(link.so_id)["StartDate"], START)
            note = self.notes(project, START[:10])
            self.assertEqual(len(note), 1)
            self.assertIn("only together with an end date", note[0])
            self.assert_in_step(project, connection)
            self.assertEqual(self.so_project(link.so_id)["StartDate"], START)
