"""Merging partners with Odoo's merge wizard keeps their SuperOffice links true.

Odoo's merge moves every row pointing at a merged-away partner to the surviving one in SQL and
deletes the rows a unique constraint refuses: a link to SuperOffice would then disappear without
a word, or point at a record whose values it was never taken from, while SuperOffice keeps the
merged-away company and its persons. So, per connection:

* both partners linked (to two different SuperOffice records): the merge is refused. One Odoo
  partner cannot stand for two SuperOffice companies, and dropping either link would leave
  SuperOffice with a record Odoo no longer synchronizes. Merge the two in SuperOffice first,
  disconnect the partner whose SuperOffice record is gone, then merge here;
* only the merged-away partner linked: its link is carried to the surviving partner, which says
  so in its chatter;
* only the surviving partner linked: its link stays.

Afterwards the surviving partner's links and those of the persons now under it are queued for
the push, so SuperOffice gets the merged values (and the persons' company) and both sides agree.
A disconnected link of the merged-away partner is removed with it.
"""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _name = "base.partner.merge.automatic.wizard"
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if len(partners) < 2:
            return super()._merge(partner_ids, dst_partner, extra_checks)
        if not (dst_partner and dst_partner in partners):
            dst_partner = self._get_ordered_partner(partners.ids)[-1]
        src_partners = partners - dst_partner
        carried = self._superoffice_carry_links(src_partners, dst_partner)
        result = super()._merge(partner_ids, dst_partner, extra_checks)
        self._superoffice_after_merge(dst_partner, carried)
        return result

    def _superoffice_carry_links(self, src_partners, dst_partner):
        """Refuse a merge of partners linked to different SuperOffice records; move the live
        links of ``src_partners`` to ``dst_partner``. Returns {link: merged-away name}."""
        Link = self.env["superoffice.link"].sudo()
        links = Link.search([("partner_id", "in", (src_partners | dst_partner).ids)])
        live = links.filtered(lambda link: link.state != "disconnected")
        for connection in live.connection_id:
            linked = live.filtered(lambda link, c=connection: link.connection_id == c)
            if len(linked) > 1:
                raise UserError(self.env._(
                    "%(partners)s are linked to different SuperOffice records through "
                    "%(connection)s (SuperOffice IDs %(ids)s): one Odoo contact cannot stand for "
                    "both, and merging would drop a link while SuperOffice keeps both records. "
                    "Merge them in SuperOffice first, disconnect the contact whose SuperOffice "
                    "record is gone, then merge them here.",
                    partners=", ".join(linked.partner_id.mapped("display_name")),
                    connection=connection.name,
                    ids=", ".join(str(so_id) for so_id in linked.mapped("so_id")),
                ))
        carried = {}
        for link in live.filtered(lambda link: link.partner_id in src_partners):
            if dst_partner.company_id and dst_partner.company_id != link.company_id:
                raise UserError(self.env._(
                    "%(partner)s is linked to SuperOffice by a connection of %(company)s: it "
                    "cannot be merged into %(target)s, which belongs to another company.",
                    partner=link.partner_id.display_name, company=link.company_id.name,
                    target=dst_partner.display_name,
                ))
            # a disconnected link of the surviving partner on this connection gives way
            links.filtered(
                lambda old, c=link.connection_id: old.partner_id == dst_partner
                and old.connection_id == c
            ).with_context(superoffice_no_chatter=True).unlink()
            carried[link] = link.partner_id.display_name
            # Moved in SQL, as Odoo's merge moves every other row: the merged-away partner is
            # about to be deleted and the surviving one continues it (the link's fixed fields
            # guard against moving a link between live records, not this).
            self.env.cr.execute(SQL(
                "UPDATE superoffice_link SET partner_id = %s WHERE id = %s",
                dst_partner.id, link.id,
            ))
        Link.invalidate_model(["partner_id"])
        dst_partner.invalidate_recordset(["superoffice_link_ids"])
        return carried

    def _superoffice_after_merge(self, dst_partner, carried):
        for link, name in carried.items():
            link._post_on_record(self.env._(
                "Merged with %(merged)s: its link to SuperOffice %(type)s %(id)s "
                "(%(connection)s) now belongs to this contact, and the merged values are sent "
                "to SuperOffice at the next synchronization.",
                merged=name, type=link._entity_label(), id=link.so_id,
                connection=link.connection_id.name,
            ), link.so_url)
        # the merge moved the persons in SQL
        self.env.invalidate_all()
        partners = self.env["res.partner"].with_context(active_test=False).search(
            [("id", "child_of", dst_partner.ids)])
        self.env["superoffice.link"].sudo().search(
            [("partner_id", "in", partners.ids)]
        )._mark_dirty()
