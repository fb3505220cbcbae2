from odoo import fields, models

from .superoffice_sync_mixin import USER_GROUP


class ProjectProject(models.Model):
    _name = "project.project"
    _inherit = ["project.project", "superoffice.sync.mixin"]

    superoffice_link_ids = fields.One2many(
        "superoffice.link", "project_id", string="SuperOffice links", groups=USER_GROUP,
        copy=False,
    )
    superoffice_number = fields.Char(
        string="SuperOffice project number", readonly=True, copy=False,
        help="Project number given by SuperOffice.",
    )

    def _superoffice_entity_type(self):
        return "project"

    def _superoffice_entity_types(self):
        return ("project",)

    def _superoffice_not_taken_reason(self, fmap):
        # Odoo 19's project.write drops a start date given without an end date when the
        # project has none, and the other way round (both or neither; only create keeps one
        # date alone)
        if fmap.odoo_field == "date_start":
            return self.env._("Odoo keeps a project's start date only together with an end date")
        if fmap.odoo_field == "date":
            return self.env._("Odoo keeps a project's end date only together with a start date")
        return super()._superoffice_not_taken_reason(fmap)
