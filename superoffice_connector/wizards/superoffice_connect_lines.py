"""Rows of the Connect wizard: search hits, side-by-side field rows, persons to link."""

from odoo import api, fields, models

DIRECTIONS = [
    ("both", "Both ways"),
    ("to_so", "Odoo → SuperOffice"),
    ("to_odoo", "SuperOffice → Odoo"),
    ("none", "Not synchronized"),
]


class SuperofficeConnectWizardHit(models.TransientModel):
    _name = "superoffice.connect.wizard.hit"
    _description = "SuperOffice search hit"
    _order = "sequence, id"

    wizard_id = fields.Many2one("superoffice.connect.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    is_person_option = fields.Boolean(help="A person of the linked company (persons step).")
    so_id = fields.Integer(string="SuperOffice ID", required=True)
    name = fields.Char()
    department = fields.Char()
    vat = fields.Char(string="Org. number")
    ref = fields.Char(string="Number")
    city = fields.Char()
    country = fields.Char()
    phone = fields.Char()
    email = fields.Char(string="E-mail")
    function = fields.Char(string="Title")
    company_name = fields.Char(string="Company")
    company_so_id = fields.Integer(string="Company ID")
    number = fields.Char(string="Project number")
    status = fields.Char()
    project_type = fields.Char(string="Type")
    score = fields.Integer()
    match_reason = fields.Char(string="Likely match")
    linked_record = fields.Char(
        string="Linked to", help="The Odoo record this SuperOffice record is already linked to."
    )
    linked_elsewhere = fields.Boolean()

    @api.depends("name", "so_id")
    def _compute_display_name(self):
        for hit in self:
            hit.display_name = f"{hit.name or ''} ({hit.so_id})"

    def action_pick(self):
        """Choose this hit: go to the resolve step."""
        self.ensure_one()
        return self.wizard_id._pick(self)


class SuperofficeConnectWizardLine(models.TransientModel):
    _name = "superoffice.connect.wizard.line"
    _description = "SuperOffice connect: one mapped field side by side"
    _order = "sequence, id"

    wizard_id = fields.Many2one("superoffice.connect.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    key = fields.Char(required=True)
    label = fields.Char(string="Field")
    direction = fields.Selection(DIRECTIONS, default="both")
    odoo_display = fields.Char(string="Odoo")
    so_display = fields.Char(string="SuperOffice")
    is_equal = fields.Boolean(string="Equal")
    choice = fields.Selection(
        [("odoo", "Odoo"), ("superoffice", "SuperOffice")], string="Keep",
        help="The value to keep on both sides; the other one is overwritten.",
    )
    note = fields.Char(
        help="Why a side's value cannot be applied to the other side (it is then kept on its "
        "own side only, and the difference is not synchronized until one side changes).",
    )
    choice_fixed = fields.Boolean(
        compute="_compute_choice_fixed",
        help="Equal values and one-way fields have nothing to choose.",
    )

    @api.depends("is_equal", "direction")
    def _compute_choice_fixed(self):
        for line in self:
            line.choice_fixed = line.is_equal or line.direction != "both"


class SuperofficeConnectWizardPerson(models.TransientModel):
    _name = "superoffice.connect.wizard.person"
    _description = "SuperOffice connect: a contact person to link"

    wizard_id = fields.Many2one("superoffice.connect.wizard", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Odoo contact", required=True)
    hit_id = fields.Many2one(
        "superoffice.connect.wizard.hit", string="SuperOffice person",
        domain="[('wizard_id', '=', wizard_id), ('is_person_option', '=', True)]",
    )
    to_link = fields.Boolean(string="Link", default=True)
    prefer = fields.Selection(
        [("odoo", "Odoo"), ("superoffice", "SuperOffice")], string="Where they differ, keep",
        default="superoffice", required=True,
    )
