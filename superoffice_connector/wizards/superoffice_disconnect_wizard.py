"""Disconnect: stop synchronizing one record. The data stays on both sides."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SuperofficeDisconnectWizard(models.TransientModel):
    _name = "superoffice.disconnect.wizard"
    _inherit = ["superoffice.wizard.mixin"]
    _description = "Disconnect from SuperOffice"

    link_id = fields.Many2one("superoffice.link", required=True, ondelete="cascade")
    so_id = fields.Integer(related="link_id.so_id", string="SuperOffice ID")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        record = self._active_record()
        if record and not values.get("link_id") and not self.env.context.get(
            "superoffice_wizard_draft"
        ):
            link = self.env["superoffice.link"].browse(
                self.env.context.get("superoffice_link_id") or []
            ).exists() or record.superoffice_link_id
            if not link:
                raise UserError(self.env._(
                    "%(name)s is not linked to SuperOffice.", name=record.display_name
                ))
            values.update(self._defaults_from_record(record))
            values.update(link_id=link.id, connection_id=link.connection_id.id)
        return values

    def action_disconnect(self):
        """Remove the link (the link logs it in the record's chatter); nothing else changes."""
        self.ensure_one()
        record = self.link_id._odoo_record()
        self._check_user_may_edit(record)
        self.link_id.unlink()
        return self._back_to_record(record)
