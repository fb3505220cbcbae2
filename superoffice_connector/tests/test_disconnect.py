from odoo.tests import Form, tagged

from .common import SuperOfficeCase


@tagged("post_install", "-at_install")
class TestDisconnectAndSyncNow(SuperOfficeCase):
    def setUp(self):
        super().setUp()
        self.contact = self.so_create_contact("Linked Company AS", Address={"Postal": {"City": "Oslo"}})
        self.partner = self.create_company_partner("Linked Company AS", city="Oslo")
        self.link = self.link_partner(self.partner, self.contact["ContactId"])

    def test_disconnect_removes_link_keeps_data_and_logs(self):
        form = Form(self.env["superoffice.disconnect.wizard"].with_context(
            active_model="res.partner", active_id=self.partner.id
        ))
        self.assertEqual(form.so_id, self.contact["ContactId"])
        form.save().action_disconnect()
        self.assertFalse(self.partner.superoffice_link_ids)
        self.assertTrue(self.partner.exists())
        self.assertEqual(self.so_contact(self.contact["ContactId"])["Name"], "Linked Company AS")
        self.assertIn("Disconnected", self.partner.message_ids[0].body)

    def test_sync_now_pushes_and_pulls(self):
        self.partner.with_context(superoffice_sync=True).write({"city": "Drammen"})
        self.sim.store.patch("contact", self.contact["ContactId"], {"Department": "Nord"})
        action = self.partner.action_superoffice_sync_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.so_contact(self.contact["ContactId"])["Address"]["Postal"]["City"],
                         "Drammen")
        self.assertEqual(self.partner.superoffice_department, "Nord")
        self.assertEqual(self.link.state, "linked")
        self.assertEqual(self.link.base_snapshot["city"], "Drammen")
        self.assertEqual(action["params"]["message"],
                         "Updated in Odoo from SuperOffice: Department, Country. "
                         "Sent to SuperOffice: City.")
        self.assert_in_step(self.partner)
        action = self.partner.action_superoffice_sync_now()
        self.assertEqual(action["params"]["message"],
                         "Nothing changed: both sides already hold the same values.")

    def test_sync_now_reports_error_and_changes_nothing(self):
        self.partner.with_context(superoffice_sync=True).write({"city": "Drammen"})
        self.sim.faults.add("status", status=401, count=10)
        action = self.partner.action_superoffice_sync_now()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.so_contact(self.contact["ContactId"])["Address"]["Postal"]["City"],
                         "Oslo")
