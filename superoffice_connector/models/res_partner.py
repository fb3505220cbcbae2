from odoo import api, fields, models

from .. import compat
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
    # 19.0's contacts have no mobile number: this one is paired with SuperOffice's and shown on
    # the form. 18.0's contacts have a "Mobile" of their own, paired instead (compat.PARTNER_MOBILE);
    # this field then stays unused and off the form, and its label shows twice in field lists (a
    # warning in the log), one translation on every series.
    superoffice_mobile = fields.Char(string="Mobile")

    @api.model
    def _superoffice_series_form(self):
        """Called by views/res_partner_views.xml: on a series whose contact form has a Mobile
        field of its own (18.0), the view that adds the addon's is switched off."""
        if compat.PARTNER_MOBILE != compat.OWN_MOBILE:
            self.env.ref("superoffice_connector.res_partner_view_form_mobile").sudo().active = False

    def _superoffice_entity_type(self):
        self.ensure_one()
        return "company" if self.is_company else "person"

    def _superoffice_entity_types(self):
        return ("company", "person")
