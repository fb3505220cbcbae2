"""One engine per record: what SuperOffice's ERP Sync engine links, the addon's own sync leaves.

A record SuperOffice linked through the ERP Sync Connector (a ``superoffice.erp.record`` of a
connected ERP Sync connection) is synchronized by SuperOffice's engine only:

* when SuperOffice links it, an existing link of the addon's own sync is disconnected (the
  chatter says why) so the pull and push crons no longer touch it;
* the addon refuses to link it again (Connect, Create, Import), before anything is written on
  either side: Create in SuperOffice checks it before its POST, so no second SuperOffice company
  is made; the form does not offer Connect or Create in SuperOffice on such a record;
* the pull and push skip it even if a link was left in a state they would sync
  (``superoffice.sync.service._read_and_sync``);
* the record's SuperOffice tab says it is linked from SuperOffice, as which actor, and through
  which ERP Sync connection.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class SuperofficeLink(models.Model):
    _name = "superoffice.link"
    _inherit = "superoffice.link"

    @api.model_create_multi
    def create(self, vals_list):
        links = super().create(vals_list)
        Record = self.env["superoffice.erp.record"]
        owned = Record._owned(links.partner_id).mapped("display_name") + \
            Record._owned(links.project_id).mapped("display_name")
        if owned:
            raise ValidationError(self.env._(
                "%(records)s is linked from SuperOffice through ERP Sync: SuperOffice's engine "
                "synchronizes it, so it cannot also be linked here.", records=", ".join(owned)))
        return links


class ErpOwnedMixin(models.AbstractModel):
    _name = "superoffice.erp.owned.mixin"
    _description = "Record that SuperOffice's ERP Sync may link"

    superoffice_erp_linked = fields.Boolean(
        string="Linked from SuperOffice", compute="_compute_superoffice_erp_linked")
    superoffice_erp_summary = fields.Char(
        string="SuperOffice ERP Sync", compute="_compute_superoffice_erp_linked")

    def _compute_superoffice_erp_linked(self):
        Record = self.env["superoffice.erp.record"].sudo()
        name = Record._record_field(self)
        rows = Record.search([
            (name, "in", self.ids), ("connection_id.active", "=", True),
            ("connection_id.state", "=", "connected")])
        by_record = {row[name].id: row for row in rows}
        for record in self:
            row = by_record.get(record.id)
            record.superoffice_erp_linked = bool(row)
            record.superoffice_erp_summary = self.env._(
                "Linked from SuperOffice as %(actor)s through %(connection)s; SuperOffice's "
                "ERP Sync engine synchronizes it.",
                actor=row.actor_type, connection=row.connection_id.name) if row else False

    def _superoffice_erp_refusal(self):
        """Why the addon's own sync may not link this record (SuperOffice's ERP Sync engine
        synchronizes it), or ``False``."""
        self.ensure_one()
        row = self.env["superoffice.erp.record"].sudo().search([
            (self.env["superoffice.erp.record"]._record_field(self), "=", self.id),
            ("connection_id.active", "=", True), ("connection_id.state", "=", "connected"),
        ], limit=1)
        if not row:
            return False
        return self.env._(
            "%(name)s is linked from SuperOffice through ERP Sync (%(connection)s): SuperOffice's "
            "engine synchronizes it, so it cannot also be connected to or created in SuperOffice "
            "here.", name=self.display_name, connection=row.connection_id.name)

    def _check_superoffice_not_erp_linked(self):
        for record in self:
            refusal = record._superoffice_erp_refusal()
            if refusal:
                raise UserError(refusal)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "superoffice.erp.owned.mixin"]

    def _superoffice_wizard_action(self, which):
        if which in ("connect", "create") and not self.superoffice_link_id:
            self._check_superoffice_not_erp_linked()
        return super()._superoffice_wizard_action(which)


class ProjectProject(models.Model):
    _name = "project.project"
    _inherit = ["project.project", "superoffice.erp.owned.mixin"]

    def _superoffice_wizard_action(self, which):
        if which in ("connect", "create") and not self.superoffice_link_id:
            self._check_superoffice_not_erp_linked()
        return super()._superoffice_wizard_action(which)
