from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    superoffice_connection_count = fields.Integer(
        string="SuperOffice connections", compute="_compute_superoffice_connection_count"
    )

    def _compute_superoffice_connection_count(self):
        for settings in self:
            settings.superoffice_connection_count = self.env["superoffice.connection"].search_count(
                [("company_id", "=", settings.company_id.id)]
            )
