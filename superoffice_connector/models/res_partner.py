from odoo import fields, models

from .superoffice_sync_mixin import USER_GROUP


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "superoffice.sync.mixin"]

    superoffice_link_ids = fields.One2many(
        "superoffice.link", "partner_id", string="SuperOffice links", groups=USER_GROUP,
        copy=False,
    )
    # Fields of the default mapping that Odoo's contact model does not have.
    superoffice_department = fields.Char(
        string="Department", help="Department of the company in SuperOffice."
    )
    # Odoo 18.0's contacts have a "Mobile" of their own (19.0 has none): the same label then
    # shows twice in field lists (a warning in the log), one translation on every series.
    superoffice_mobile = fields.Char(string="Mobile")

    def _superoffice_entity_type(self):
        self.ensure_one()
        return "company" if self.is_company else "person"

    def _superoffice_entity_types(self):
        return ("company", "person")
