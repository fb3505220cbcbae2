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
