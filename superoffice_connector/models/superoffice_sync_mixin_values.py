"""Canonical values to and from the ORM: the half of the sync mixin the sync engine calls.

:meth:`_superoffice_values` reads a record as canonical values for the sync core,
:meth:`_superoffice_apply` writes canonical values back (with ``superoffice_sync=True`` in the
context, so dirty tracking ignores the write) and :meth:`_superoffice_create` creates many
records at once; the conversions of countries, owners, list values, company references and
project members live here too.
"""

from odoo import api, models
from odoo.fields import Command
from odoo.tools import html2plaintext, plaintext2html

from .. import compat
from ..api import exceptions as so_exc
from ..api.associates import Associates, OwnerLookup
from ..sync import canonical

# Tag-like models a SuperOffice list value may create a record in when none has that name.
_CREATABLE_LIST_MODELS = {"res.partner.category", "res.partner.industry", "project.tags"}


class SuperofficeSyncMixin(models.AbstractModel):
    _inherit = "superoffice.sync.mixin"

    # ------------------------------------------------------------------ values

    def _superoffice_values(self, fields, connection=None, ref_so_ids=None):
        """Canonical values ``{key: value}`` of one record for the FieldMaps ``fields``.

        ``connection`` resolves references to other linked records (a person's company, project
        members); by default the connection of the record's link or its company's connection.
        ``ref_so_ids`` ({partner id: SuperOffice id}, see :meth:`_superoffice_values_multi`)
        answers the references without a query."""
        self.ensure_one()
        connection = connection or self._superoffice_default_connection()
        values = {}
        for fmap in fields:
            field = self._fields.get(fmap.odoo_field) if fmap.odoo_field else None
            raw = self._superoffice_read(fmap, field, connection, ref_so_ids) if field else None
            values[fmap.key] = canonical.normalize(fmap, raw)
        return values

    def _superoffice_values_multi(self, fields, connection):
        """:meth:`_superoffice_values` of every record of ``self``, in order, with the fields
        read for all records at once and the SuperOffice ids of referenced companies in one
        query (the bulk import reads back what it created)."""
        ref_fields = [
            fmap.odoo_field for fmap in fields
            if canonical.kind_of(fmap) == "ref" and fmap.odoo_field in self._fields
        ]
        ref_so_ids = None
        if ref_fields:
            records = self.sudo()
            partners = self.env["res.partner"].union(*(records.mapped(f) for f in ref_fields))
            links = self.env["superoffice.link"].sudo().search([
                ("connection_id", "=", connection.id),
                ("partner_id", "in", partners.ids),
                ("entity_type", "=", "company"),
            ])
            ref_so_ids = {link.partner_id.id: link.so_id for link in links}
        return [record._superoffice_values(fields, connection, ref_so_ids) for record in self]

    def _superoffice_apply(self, values, fields=None, connection=None):
        """Write canonical ``values`` (``{key: value}``) to one record; returns the ORM values.

        Keys whose mapping does not write Odoo are ignored, and so are fields the current user
        may not write (a field restricted to a group); a list value, user or reference that has
        no Odoo counterpart leaves the field unchanged."""
        self.ensure_one()
        connection = connection or self._superoffice_default_connection()
        fields = fields or connection._mapping(self._superoffice_entity_type())
        vals, members = self._superoffice_orm_values(values, fields, connection)
        if vals:
            self.with_context(superoffice_sync=True).write(vals)
        if members is not None:
            self._superoffice_apply_members(members, connection)
        return vals

    def _superoffice_orm_values(self, values, fields, connection, memo=None):
        """The ORM values of canonical ``values`` for these records (empty: a new record), and
        the project members to apply apart (None when not mapped).

        With ``memo`` (a dict), the lookup of a relational value is made once per distinct value
        across calls (the bulk import)."""
        vals, members = {}, None
        for fmap in fields:
            if fmap.key not in values or not fmap.writes_odoo:
                continue
            field = self._fields.get(fmap.odoo_field)
            if field is None or not compat.has_field_access(self, field, "write"):
                # e.g. a project's stage for a user without Project Stages: the record keeps
                # what Odoo gives it, and the difference is held like any value Odoo lacks
                continue
            if fmap.transform == "members":
                members = values[fmap.key]
                continue
            value = values[fmap.key]
            if memo is not None and field.type in ("many2one", "many2many"):
                key = (fmap.key, repr(value))
                if key not in memo:
                    memo[key] = self._superoffice_convert(fmap, field, value, connection)
                found, value = memo[key]
            else:
                found, value = self._superoffice_convert(fmap, field, value, connection)
            if found:
                vals[fmap.odoo_field] = value
        return vals, members

    @api.model
    def _superoffice_create(self, values_list, fields, connection, vals_list):
        """Create one record per canonical ``values`` dict of ``values_list`` in one ORM
        ``create`` (the bulk import); ``vals_list`` holds each record's other ORM values.

        The conversions are those :meth:`_superoffice_apply` makes on a new record; the same
        lookup (a country, an owner, a list value, a referenced company) is made once per call,
        the companies referenced by all records in one query. Returns the records, in order."""
        memo = self._superoffice_ref_memo(values_list, fields, connection)
        new = self.browse()
        create_vals, members_list = [], []
        for values, base_vals in zip(values_list, vals_list, strict=True):
            vals, members = new._superoffice_orm_values(values, fields, connection, memo)
            create_vals.append({**base_vals, **vals})
            members_list.append(members)
        records = self.with_context(superoffice_sync=True).create(create_vals)
        for record, members in zip(records, members_list, strict=True):
            if members is not None:
                record._superoffice_apply_members(members, connection)
        return records

    @api.model
    def _superoffice_ref_memo(self, values_list, fields, connection):
        """{(key, repr(value)): (found, partner id)} of the companies referenced by
        ``values_list``, read in one query (see :meth:`_superoffice_convert`)."""
        memo = {}
        for fmap in fields:
            field = self._fields.get(fmap.odoo_field) if fmap.odoo_field else None
            if not field or field.type != "many2one" or canonical.kind_of(fmap) != "ref":
                continue
            so_ids = {values.get(fmap.key) for values in values_list} - {None, ""}
            links = self.env["superoffice.link"].sudo().search([
                ("connection_id", "=", connection.id),
                ("entity_type", "=", "company"),
                ("so_id", "in", [int(so_id) for so_id in so_ids]),
            ]) if so_ids and connection else self.env["superoffice.link"]
            partners = {link.so_id: link.partner_id.id for link in links}
            for so_id in so_ids:
                partner_id = partners.get(int(so_id))
                memo[(fmap.key, repr(so_id))] = (True, partner_id) if partner_id else (False, None)
        return memo

    # ------------------------------------------------------------------ conversions

    def _superoffice_default_connection(self):
        link = self.sudo().superoffice_link_ids[:1]
        if link:
            return link.connection_id
        return self.env["superoffice.connection"].sudo()._default_for_company(
            self._superoffice_company()
        )

    def _superoffice_read(self, fmap, field, connection, ref_so_ids=None):
        """The Odoo value of one mapped field, in a form the canonical normaliser accepts."""
        value = self.sudo()[field.name]
        kind = canonical.kind_of(fmap)
        if field.type == "html":
            return html2plaintext(value) if value else None
        if field.type in ("many2one", "many2many", "one2many"):
            if kind == "country":
                return value[:1].code or None
            if kind == "owner":
                user = value[:1]
                return (user.email or user.login) if user else None
            if kind == "ref" and ref_so_ids is not None:
                return ref_so_ids.get(value[:1].id)
            if kind == "ref":
                so_ids = self._superoffice_so_ids(value[:1], connection)
                return so_ids[0] if so_ids else None
            if kind == "members":
                return [f"{prefix}:{so_id}" for prefix, so_id in self._superoffice_members(value,
                                                                                         connection)]
            record = value[:1]
            return (record.name if "name" in record._fields else record.display_name) or None
        if field.type == "selection":
            return value or None
        return value if value is not False else None

    def _superoffice_convert(self, fmap, field, value, connection):
        """(found, ORM value) of a canonical value; found is False when nothing matches."""
        kind = canonical.kind_of(fmap)
        if field.type == "html":
            return True, plaintext2html(value) if value else False
        if field.type not in ("many2one", "many2many"):
            if field.type == "boolean":
                return True, bool(value)
            if field.type in ("integer", "float", "monetary"):
                return True, value or 0
            return True, value if value is not None else False
        comodel = self.env[field.comodel_name].sudo()
        if value is None:
            if field.type == "many2many":
                return False, None
            return True, False
        if kind == "country":
            record = comodel.search([("code", "=ilike", value)], limit=1)
        elif kind == "owner":
            record = self._superoffice_owner_user(value, connection)
        elif kind == "ref":
            record = self._superoffice_partner_of(connection, "company", value)
        else:
            record = self._superoffice_find_by_name(comodel, value)
        if not record:
            return False, None
        if field.type == "many2many":
            # the value is the first record (see _superoffice_read): it gives way to the new one
            current = self.sudo()[field.name]
            if record in current[:1]:
                return False, None
            return True, [*(Command.unlink(old.id) for old in current[:1]),
                          Command.link(record.id)]
        return True, record.id

    def _superoffice_may_take(self, fmap, value, connection):
        """Whether the canonical ``value`` of ``fmap`` can be written to this record: the user
        may write the field and a relational value has a match (a tag-like list value is
        created when missing, so it always has one). Nothing is written or created."""
        self.ensure_one()
        field = self._fields.get(fmap.odoo_field) if fmap.odoo_field else None
        if field is None or not fmap.writes_odoo:
            return False
        if not compat.has_field_access(self, field, "write"):
            return False
        if field.type not in ("many2one", "many2many") or fmap.transform == "members":
            return True
        if field.comodel_name in _CREATABLE_LIST_MODELS or value is None:
            return True
        found, _value = self._superoffice_convert(fmap, field, value, connection)
        return found or field.type == "many2many"

    def _superoffice_owner_user(self, key, connection):
        """The Odoo user an owner value (an e-mail address or login, see
        :meth:`_superoffice_read`) is: the one internal user of the connection's company with
        that e-mail address or login, never a user of another company; empty when there are
        none or several."""
        Users = self.env["res.users"].sudo()
        if connection:
            company = connection.company_id
        else:
            company = self._superoffice_company() if len(self) == 1 else self.env.company
        domain = [("share", "=", False), "|", ("email", "=ilike", key), ("login", "=ilike", key)]
        if company:
            domain.append(("company_ids", "in", company.ids))
        users = Users.search(domain, limit=2)
        return users if len(users) == 1 else Users

    def _superoffice_not_taken_reason(self, fmap):
        """Why this record could not take a SuperOffice value of ``fmap`` other than a missing
        match (a sentence for the chatter), or None: Odoo has no matching value."""
        return None

    def _superoffice_find_by_name(self, comodel, name):
        domain = [(comodel._rec_name or "name", "=ilike", name)]
        if comodel._name == "res.country.state" and "country_id" in self._fields:
            country = self.sudo()["country_id"]
            if country:
                domain.append(("country_id", "=", country.id))
        record = comodel.search(domain, limit=1)
        if not record and comodel._name in _CREATABLE_LIST_MODELS:
            record = comodel.create({"name": name})
        return record

    @api.model
    def _superoffice_so_ids(self, records, connection):
        """SuperOffice ids of ``records`` (partners) linked as companies on ``connection``."""
        if not records or not connection:
            return []
        links = self.env["superoffice.link"].sudo().search([
            ("connection_id", "=", connection.id),
            ("partner_id", "in", records.ids),
            ("entity_type", "=", "company"),
        ])
        return links.mapped("so_id")

    @api.model
    def _superoffice_members(self, partners, connection):
        if not partners or not connection:
            return []
        links = self.env["superoffice.link"].sudo().search([
            ("connection_id", "=", connection.id),
            ("partner_id", "in", partners.ids),
        ])
        return [("p" if link.entity_type == "person" else "c", link.so_id) for link in links]

    @api.model
    def _superoffice_partner_of(self, connection, entity_type, so_id):
        if not connection or not so_id:
            return self.env["res.partner"]
        link = self.env["superoffice.link"].sudo().search([
            ("connection_id", "=", connection.id),
            ("entity_type", "=", entity_type),
            ("so_id", "=", int(so_id)),
        ], limit=1)
        return link.partner_id

    def _superoffice_apply_members(self, members, connection):
        """Follow the linked partners listed in ``members``; unfollow linked ones not listed.

        Two queries whatever the number of members and followers: the links of the listed
        SuperOffice ids, and the links among the current followers."""
        wanted_keys = set()
        for member in members or []:
            prefix, _sep, so_id = str(member).partition(":")
            if so_id.isdigit():
                wanted_keys.add(("person" if prefix == "p" else "company", int(so_id)))
        Link = self.env["superoffice.link"].sudo()
        wanted = self.env["res.partner"]
        if wanted_keys and connection:
            links = Link.search([
                ("connection_id", "=", connection.id),
                ("entity_type", "in", ["company", "person"]),
                ("so_id", "in", [so_id for _type, so_id in wanted_keys]),
            ])
            wanted = links.filtered(
                lambda link: (link.entity_type, link.so_id) in wanted_keys
            ).partner_id
        record = self.sudo().with_context(superoffice_sync=True)
        followers = record.message_partner_ids
        linked_current = Link.search([
            ("connection_id", "=", connection.id), ("partner_id", "in", followers.ids),
        ]).partner_id if followers and connection else followers.browse()
        to_remove = linked_current - wanted
        to_add = wanted - followers
        if to_add:
            record.message_subscribe(partner_ids=to_add.ids)
        if to_remove:
            record.message_unsubscribe(partner_ids=to_remove.ids)

    # ------------------------------------------------------------------ values shown

    @api.model
    def _superoffice_display(self, fmap, value, connection, entity=None):
        """``value`` of ``fmap`` as a person knows it, for screens and chatter notes: an owner
        by the Odoo user's name (else the SuperOffice user's in ``entity``), a person's company
        and project members by name (the linked Odoo record's, else the name ``entity`` gives),
        never as ids or logins; a country by its name in the user's language; anything else as
        ``canonical.display`` shows it."""
        kind = canonical.kind_of(fmap)
        value = canonical.normalize(fmap, value)
        if value is None or value == []:
            return canonical.display(fmap, value)
        raw = getattr(entity, "raw", None) or {}
        if kind == "owner":
            return (self._superoffice_owner_name(str(value), raw, connection)
                    or self._superoffice_associate_name(str(value), connection)
                    or canonical.display(fmap, value))
        if kind == "ref":
            return self._superoffice_ref_name(int(value), raw, connection)
        if kind == "members":
            return ", ".join(self._superoffice_member_names(value, raw, connection))
        if kind == "country":
            # Odoo's name of the country, in the user's language
            country = self.env["res.country"].search([("code", "=ilike", value)], limit=1)
            if country:
                return f"{country.name} ({country.code})"
        return canonical.display(fmap, value)

    @api.model
    def _superoffice_owner_name(self, value, raw, connection=None):
        if value.startswith("associate:"):
            associate = raw.get("Associate") or {}
            if str(associate.get("AssociateId")) == value.partition(":")[2]:
                return associate.get("FullName") or associate.get("Name")
            return None
        if connection:
            user = self._superoffice_owner_user(value, connection)
            if user:
                return user.name
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        for field in ("email", "login"):
            user = Users.search([(field, "=ilike", value)], limit=2)
            if len(user) == 1:
                return user.name
        return None

    @api.model
    def _superoffice_associate_name(self, value, connection):
        """The full name of SuperOffice user ``"associate:<id>"`` in the connection's copy of
        SuperOffice's users (read once when there is none), or None."""
        prefix, _sep, associate_id = value.partition(":")
        if prefix != "associate" or not associate_id.isdigit() or not connection:
            return None
        try:
            owners = OwnerLookup(Associates(connection._get_client()), list)
            return owners.full_name(int(associate_id))
        except (so_exc.SuperOfficeError, ValueError):
            return None

    @api.model
    def _superoffice_ref_name(self, so_id, raw, connection):
        contact = raw.get("Contact") or {}
        if contact.get("ContactId") == so_id and contact.get("Name"):
            return contact["Name"]
        partner = self._superoffice_partner_of(connection, "company", so_id)
        return partner.display_name if partner else self.env._(
            "SuperOffice company %(id)s", id=so_id)

    @api.model
    def _superoffice_member_names(self, keys, raw, connection):
        """The names of project members ``keys`` (``p:<id>`` persons, ``c:<id>`` companies)."""
        wanted = []
        for key in keys:
            prefix, _sep, so_id = str(key).partition(":")
            if so_id.isdigit():
                wanted.append(("person" if prefix == "p" else "company", int(so_id)))
        linked = {}
        if connection and wanted:
            links = self.env["superoffice.link"].sudo().search([
                ("connection_id", "=", connection.id),
                ("entity_type", "in", ["person", "company"]),
                ("so_id", "in", [so_id for _type, so_id in wanted]),
            ])
            linked = {(link.entity_type, link.so_id): link.partner_id.name
                      for link in links}
        named = {}
        for member in raw.get("ProjectMembers") or ():
            if member.get("PersonId"):
                named[("person", member["PersonId"])] = member.get("FullName")
            elif member.get("ContactId"):
                named[("company", member["ContactId"])] = member.get("ContactName")
        names = []
        for entity_type, so_id in wanted:
            name = linked.get((entity_type, so_id)) or named.get((entity_type, so_id))
            if not name:
                name = (self.env._("SuperOffice person %(id)s", id=so_id)
                        if entity_type == "person"
                        else self.env._("SuperOffice company %(id)s", id=so_id))
            names.append(name)
        return names
