from odoo import api, models

from .. import compat


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model
    def _superoffice_load_groups(self):
        """Called by security/superoffice_security.xml: the addon's groups, filed as the running
        Odoo series files them (``compat.load_groups``)."""
        compat.load_groups(self.env)
