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

A contact SuperOffice's ERP Sync links (``superoffice.erp.record``) is known to SuperOffice by its
Odoo id, the ERP key SuperOffice stores on its side. Merged away, that id is gone: GetActors
answers nothing for it and SaveActors refuses it ("... is not in Odoo"), so SuperOffice would
lose the record. Answering the key with the kept contact instead would hand SuperOffice an actor
whose ErpKey is not the key it asked for, which SuperOffice's engine is not documented to accept.
So an ERP-linked contact can only be the contact kept:

* an ERP-linked contact merged away: refused, the message says to keep that contact;
* an ERP-linked contact and another linked contact (ERP Sync or the addon's own link): refused,
  as for two links (one engine per record, one record per contact);
* the ERP-linked contact kept: the merge runs, its chatter says it stays linked under its own id,
  and the kept contact and the persons now under it are marked written, so SuperOffice's engine
  reads the merged values and the persons' new company at its next poll (GetActorsByTimestamp).

Companies and persons stay apart: a linked person is not merged into a company, nor a linked
company into a person, nor a company into a linked person (SuperOffice has no persons under a
person): the link would stand for the wrong kind of record.
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
        merged_names = ", ".join(src_partners.mapped("display_name"))
        result = super()._merge(partner_ids, dst_partner, extra_checks)
        self._superoffice_after_merge(dst_partner, carried, merged_names)
        return result

    def _superoffice_carry_links(self, src_partners, dst_partner):
        """Refuse a merge of partners linked to different SuperOffice records; move the live
        links of ``src_partners`` to ``dst_partner``. Returns {link: merged-away name}."""
        Link = self.env["superoffice.link"].sudo()
        links = Link.search([("partner_id", "in", (src_partners | dst_partner).ids)])
        live = links.filtered(lambda link: link.state != "disconnected")
        erp_rows = self._superoffice_erp_rows(src_partners | dst_partner)
        self._superoffice_check_erp(src_partners, dst_partner, live, erp_rows)
        self._superoffice_check_kinds(src_partners, dst_partner, live, erp_rows)
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

    def _superoffice_erp_rows(self, partners):
        """The ERP Sync links of ``partners`` whose ERP key SuperOffice may still use (its
        connection is not deleted in SuperOffice, nor archived here)."""
        return self.env["superoffice.erp.record"].sudo().search([
            ("partner_id", "in", partners.ids), ("connection_id.active", "=", True),
            ("connection_id.state", "!=", "deleted"),
        ])

    def _superoffice_check_erp(self, src_partners, dst_partner, live, erp_rows):
        """Refuse a merge that would delete the id SuperOffice's ERP Sync knows a contact by, or
        give one contact two SuperOffice records (see the module's docstring)."""
        if not erp_rows:
            return
        linked = live.partner_id | erp_rows.partner_id
        if len(linked) > 1:
            how = [self.env._("%(partner)s through ERP Sync (%(connection)s)",
                              partner=row.partner_id.display_name,
                              connection=row.connection_id.name) for row in erp_rows]
            how += [self.env._("%(partner)s through %(connection)s (SuperOffice ID %(id)s)",
                               partner=link.partner_id.display_name,
                               connection=link.connection_id.name, id=link.so_id)
                    for link in live]  # fmt: skip
            raise UserError(self.env._(
                "These contacts are each linked to a SuperOffice record: %(how)s. One Odoo "
                "contact cannot stand for two SuperOffice records, and SuperOffice would keep "
                "both. Merge them in SuperOffice first, unlink the contact whose SuperOffice "
                "record is gone, then merge them here.", how="; ".join(how)))
        row = erp_rows.filtered(lambda row: row.partner_id in src_partners)[:1]
        if row:
            raise UserError(self.env._(
                "%(partner)s is linked from SuperOffice through ERP Sync (%(connection)s), which "
                "knows it by its Odoo ID %(id)s. Merged into %(target)s, that ID would be gone "
                "and SuperOffice would no longer find the record. Choose %(partner)s as the "
                "contact to keep.",
                partner=row.partner_id.display_name, connection=row.connection_id.name,
                id=row.partner_id.id, target=dst_partner.display_name,
            ))

    def _superoffice_check_kinds(self, src_partners, dst_partner, live, erp_rows):
        """Refuse a merge that would link a company to a SuperOffice person, a person to a
        SuperOffice company, or put a company's persons under a linked person."""
        linked = live.partner_id | erp_rows.partner_id
        for partner in src_partners.filtered(lambda p: p.is_company != dst_partner.is_company):
            if partner in linked and not partner.is_company:
                raise UserError(self.env._(
                    "%(partner)s is linked to a person in SuperOffice and cannot be merged into "
                    "%(target)s, which is a company: SuperOffice keeps persons and companies "
                    "apart, so the merged contact would be linked to the wrong kind of record. "
                    "Merge persons with persons and companies with companies.",
                    partner=partner.display_name, target=dst_partner.display_name))
            if partner in linked:
                raise UserError(self.env._(
                    "%(partner)s is linked to a company in SuperOffice and cannot be merged into "
                    "%(target)s, which is a person: SuperOffice keeps companies and persons "
                    "apart, so the merged contact would be linked to the wrong kind of record. "
                    "Merge companies with companies and persons with persons.",
                    partner=partner.display_name, target=dst_partner.display_name))
            if dst_partner in linked and not dst_partner.is_company:
                raise UserError(self.env._(
                    "%(target)s is linked to a person in SuperOffice and cannot take in "
                    "%(partner)s, which is a company: a SuperOffice person has no persons or "
                    "company values of its own. Merge companies with companies and persons with "
                    "persons.",
                    partner=partner.display_name, target=dst_partner.display_name))

    def _superoffice_after_merge(self, dst_partner, carried, merged_names):
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
        for row in self._superoffice_erp_rows(dst_partner):
            dst_partner.message_post(body=self.env._(
                "Merged with %(merged)s: this contact stays linked from SuperOffice through ERP "
                "Sync (%(connection)s) under its own ID %(id)s, and SuperOffice's engine reads "
                "the merged values at its next synchronization.",
                merged=merged_names, connection=row.connection_id.name, id=dst_partner.id))
        # Odoo's merge moved the persons in SQL, leaving their write date: SuperOffice's ERP
        # Sync engine asks for what changed by write date, and must see the new company.
        self.env.cr.execute(SQL(
            "UPDATE res_partner SET write_date = (now() AT TIME ZONE 'UTC'), write_uid = %s "
            "WHERE id IN %s", self.env.uid, tuple(partners.ids)))
        partners.invalidate_recordset(["write_date", "write_uid"])
