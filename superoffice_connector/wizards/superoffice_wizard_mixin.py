"""What the SuperOffice wizards share: the record they act on, the connection, the client calls.

Every call to SuperOffice goes through :meth:`_so_call`, which turns a client exception into the
connection's translated :class:`UserError` (the one boundary of ``superoffice.connection``); a
UserError rolls the transaction back, so a failed call changes nothing in Odoo. Writes to
SuperOffice are made last in each action for the same reason.
"""

import unicodedata

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..api import exceptions as so_exc
from ..sync import canonical, merge, transforms
from . import superoffice_search as so_search

ENTITY_TYPES = [("company", "Company"), ("person", "Person"), ("project", "Project")]
ACTOR_TYPES = [("customer", "Customer"), ("supplier", "Supplier")]
USER_GROUP = "superoffice_connector.superoffice_connector_group_user"


def _unstorable(char):
    """A control character other than tab and line breaks, or half of a surrogate pair."""
    return unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n\r"


class SuperofficeWizardMixin(models.AbstractModel):
    _name = "superoffice.wizard.mixin"
    _description = "SuperOffice wizard helpers"

    connection_id = fields.Many2one(
        "superoffice.connection", string="SuperOffice connection", required=True,
        ondelete="cascade",
    )
    res_model = fields.Char(string="Odoo model")
    res_id = fields.Integer(string="Odoo record ID")
    entity_type = fields.Selection(ENTITY_TYPES, required=True, default="company")
    record_name = fields.Char(compute="_compute_record_name")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_text_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_text_input(vals)
        return super().write(vals)

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        for wizard in self:
            record = wizard._record()
            wizard.record_name = record.display_name if record else False

    # ------------------------------------------------------------------ defaults

    @api.model
    def _defaults_from_record(self, record):
        """Wizard values for ``record`` (partner or project): model, id, entity type, connection."""
        connection = self.env["superoffice.connection"].browse(
            self.env.context.get("default_connection_id") or []
        ).exists() or self.env["superoffice.connection"]._default_for_company(
            record.company_id or self.env.company
        )
        if not connection:
            raise UserError(self.env._(
                "There is no active SuperOffice connection for the company %(company)s.",
                company=(record.company_id or self.env.company).display_name,
            ))
        return {
            "res_model": record._name,
            "res_id": record.id,
            "entity_type": record._superoffice_entity_type(),
            "connection_id": connection.id,
        }

    @api.model
    def _guess_actor(self, record):
        """Supplier for a partner that is only a supplier (ranks exist with accounting)."""
        supplier = getattr(record, "supplier_rank", 0)
        customer = getattr(record, "customer_rank", 0)
        return "supplier" if supplier and not customer else "customer"

    @api.model
    def _active_record(self):
        model = self.env.context.get("active_model")
        record_id = self.env.context.get("active_id")
        if model in ("res.partner", "project.project") and record_id:
            return self.env[model].browse(record_id).exists()
        return None

    # ------------------------------------------------------------------ helpers

    @api.model
    def _check_text_input(self, vals, model=None):
        """Refuse text the database or SuperOffice cannot take (a NUL byte, other control
        characters, lone surrogates) in the wizard's fields and in its rows' (one2many
        commands), with a message instead of the database's error."""
        model = model if model is not None else self
        for name, value in vals.items():
            field = model._fields.get(name)
            if field is None:
                continue
            if field.type in ("char", "text") and isinstance(value, str):
                bad = next((char for char in value if _unstorable(char)), None)
                if bad is not None:
                    # the code point is formatted here: Odoo 18.0's term extraction cannot read
                    # a call inside an f-string among the arguments of _()
                    code = f"{ord(bad):04X}"
                    raise UserError(self.env._(
                        "%(field)s contains a character that cannot be used (U+%(code)s, a "
                        "control character). Remove it and try again.",
                        field=field._description_string(self.env), code=code,
                    ))
            elif field.type == "one2many" and isinstance(value, (list, tuple)):
                comodel = self.env[field.comodel_name]
                for command in value:
                    if isinstance(command, (list, tuple)) and len(command) == 3 \
                            and isinstance(command[2], dict):
                        self._check_text_input(command[2], comodel)

    def _record(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    def _fmaps(self, entity_type=None):
        return self.connection_id._mapping(entity_type or self.entity_type)

    def _kind(self, entity_type=None):
        return so_search.KIND[entity_type or self.entity_type]

    def _so_call(self, function, *args, **kwargs):
        """Call the client; any SuperOffice or configuration error becomes a UserError."""
        try:
            return function(*args, **kwargs)
        except (so_exc.SuperOfficeError, ValueError) as exc:
            self.connection_id._raise_user_error(exc)

    def _service(self, entity_type=None):
        client = self._so_call(self.connection_id._get_client)
        return client.service(self._kind(entity_type))

    def _client(self):
        return self._so_call(self.connection_id._get_client)

    def _lookups(self):
        """Id lookups for writing list items, countries and owners to SuperOffice: a person's
        own action, so a name missing from SuperOffice's users or lists is read for again at
        once (``fresh``)."""
        connection = self.connection_id
        if hasattr(connection, "_lookups"):
            return connection._lookups(fresh=True)
        return transforms.Lookups()

    def _so_values(self, entity, entity_type=None):
        """Canonical values of a SuperOffice entity for the mapping."""
        entity_type = entity_type or self.entity_type
        return transforms.from_superoffice(
            entity_type, entity, self._fmaps(entity_type), self._lookups()
        )

    def _so_patch(self, changes, current, entity_type=None):
        """``(merge patch, skipped)`` of ``changes``.

        A value SuperOffice has no counterpart for (a list value, a user unknown there) is left
        out of the patch and returned in ``skipped`` as ``[(key, sentence)]``: what was not sent
        and what the user can do about it, for the chatter."""
        entity_type = entity_type or self.entity_type
        unresolved = []
        fmaps = self._fmaps(entity_type)
        patch = transforms.to_superoffice_patch(
            entity_type, changes, fmaps, current=current,
            lookups=self._lookups(), unresolved=unresolved,
        )
        by_key = {f.key: f for f in fmaps}
        skipped = [
            (key, self._not_sent_sentence(by_key[key], changes.get(key)))
            for key, _message in unresolved
        ]
        return patch, skipped

    def _not_sent_sentence(self, fmap, value):
        """Why ``value`` of ``fmap`` was not sent to SuperOffice and what to do, in a sentence."""
        kind = canonical.kind_of(fmap)
        shown = self._display(fmap, value)
        if kind == "owner":
            return self.env._(
                "%(field)s %(value)s was not sent: SuperOffice has no matching user (one active "
                "user with the e-mail address %(email)s, or with the same full name when it has "
                "no e-mail address). Choose the owner in SuperOffice, or give that SuperOffice "
                "user the same e-mail address as in Odoo.",
                field=fmap.label, value=shown, email=value,
            )
        if kind == "country":
            return self.env._(
                "%(field)s %(value)s was not sent: SuperOffice has no such country. Choose the "
                "country in SuperOffice.", field=fmap.label, value=shown,
            )
        if kind == "list_item":
            return self.env._(
                "%(field)s %(value)s was not sent: SuperOffice's list has no such value. Add it "
                "to the list in SuperOffice, or choose one of its values there.",
                field=fmap.label, value=shown,
            )
        return self.env._(
            "%(field)s %(value)s was not sent: SuperOffice has no matching value.",
            field=fmap.label, value=shown,
        )

    def _post_skipped(self, record, skipped):
        if skipped:
            record.message_post(body=self.env._(
                "Not sent to SuperOffice: %(sentences)s",
                sentences=" ".join(sentence for _key, sentence in skipped),
            ))

    def _hold_skipped(self, applied, skipped, entity, entity_type=None):
        """A value chosen from Odoo that SuperOffice cannot represent was not sent: SuperOffice
        keeps its value and the difference is held in the base (``sync.merge.hold``), so the
        next sync neither asks again nor sends it (the chatter note says why)."""
        if not skipped:
            return
        so_values = self._so_values(entity, entity_type)
        for key, _message in skipped:
            # the base holds the value chosen from Odoo
            odoo_value = applied.to_so.pop(key, applied.base.get(key))
            merge.hold(applied.base, key, "odoo", odoo_value, so_values.get(key))

    def _unappliable_note(self, record, entity, fmap, row, shown):
        """Why a differing value cannot be applied to the other side, or ``False``: Odoo's
        value SuperOffice cannot represent (not in its list, no user with that e-mail address),
        SuperOffice's value Odoo has no match for or the user may not set. ``shown``: the
        (Odoo, SuperOffice) values as the line shows them."""
        if row.equal or row.direction == "none" or record is None:
            return False
        reasons = []
        if row.writes_so and row.odoo_value is not None:
            unresolved = []
            transforms.to_superoffice_patch(
                self.entity_type, {row.key: row.odoo_value}, [fmap], current=entity.raw,
                lookups=self._lookups(), unresolved=unresolved,
            )
            if unresolved:
                reasons.append(self.env._(
                    "SuperOffice has no %(value)s: choosing Odoo keeps it in Odoo only.",
                    value=shown[0],
                ))
        if row.writes_odoo and row.so_value is not None and not record._superoffice_may_take(
            fmap, row.so_value, self.connection_id
        ):
            reasons.append(self.env._(
                "Odoo has no %(value)s, or you may not set it: choosing SuperOffice keeps it "
                "in SuperOffice only.", value=shown[1],
            ))
        return " ".join(reasons) or False

    # ------------------------------------------------------------------ values shown and typed

    def _display(self, fmap, value, entity=None):
        """``value`` as the user knows it: owners, companies and project members by name
        (``superoffice.sync.mixin._superoffice_display``)."""
        return self.env["res.partner"]._superoffice_display(
            fmap, value, self.connection_id, entity)

    def _user_of(self, text):
        """The Odoo user a typed or canonical owner names (name, login or e-mail address)."""
        text = (text or "").strip()
        if not text:
            return self.env["res.users"]
        Users = self.env["res.users"].sudo().with_context(active_test=True)
        for field in ("email", "login", "name"):
            user = Users.search([(field, "=ilike", text)], limit=2)
            if len(user) == 1:
                return user
        return self.env["res.users"]

    def _typed_value(self, fmap, text):
        """The canonical value of what the user typed in a line; an owner is an Odoo user
        named by its name, login or e-mail address (its e-mail address is what is matched in
        SuperOffice)."""
        if canonical.kind_of(fmap) == "owner" and text:
            user = self._user_of(text)
            if user:
                return canonical.normalize(fmap, user.email or user.login)
        return canonical.normalize(fmap, text)

    @api.model
    def _new(self, values):
        """A draft wizard for computing values (without running ``default_get`` again)."""
        return self.with_context(superoffice_wizard_draft=True).new(values)

    def _check_user_may_edit(self, record):
        """The current user must be a SuperOffice user allowed to edit ``record``."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only SuperOffice users may connect records."))
        record.check_access("write")

    @api.depends("connection_id.allow_create_superoffice", "res_model", "res_id")
    @api.depends_context("uid")
    def _compute_create_blocked_reason(self):
        """For the wizards that declare ``create_blocked_reason``: why Create in SuperOffice is
        disabled, if it is."""
        for wizard in self:
            wizard.create_blocked_reason = (
                wizard._create_blocked_reason() if wizard.connection_id else False
            )

    def _create_blocked_reason(self, record=None):
        """Why the current user may not create this record in SuperOffice, or ``False``."""
        self.ensure_one()
        if not self.connection_id.allow_create_superoffice:
            return self.env._(
                "The connection %(name)s does not allow creating records in SuperOffice.",
                name=self.connection_id.display_name,
            )
        if not self.env.user.has_group(USER_GROUP):
            return self.env._("You are not a SuperOffice user.")
        record = record if record is not None else self._record()
        if record and not record.has_access("write"):
            return self.env._("You may not edit %(name)s.", name=record.display_name)
        # checked before the POST: a record SuperOffice's ERP Sync links would otherwise get a
        # second SuperOffice company, refused only when its link is stored
        return (record and record._superoffice_erp_refusal()) or False

    def _link_of(self, record, connection=None):
        connection = connection or self.connection_id
        return self.env["superoffice.link"].search([
            ("connection_id", "=", connection.id),
            (record._name == "res.partner" and "partner_id" or "project_id", "=", record.id),
        ], limit=1)

    def _linked_so_ids(self, so_ids, entity_type=None):
        """``{so_id: link}`` for the given SuperOffice ids already linked on this connection."""
        links = self.env["superoffice.link"].search([
            ("connection_id", "=", self.connection_id.id),
            ("entity_type", "=", entity_type or self.entity_type),
            ("so_id", "in", list(so_ids)),
        ])
        return {link.so_id: link for link in links}

    def _settled_base(self, record, base, written, entity_type=None):
        """``base`` after ``written`` was applied to ``record``: a value Odoo could not take (a
        SuperOffice user or list value with no Odoo match) keeps the value Odoo has, as the sync
        does, so the next run neither sends the gap to SuperOffice nor clears its value."""
        fmaps = self._fmaps(entity_type)
        actual = record._superoffice_values(fmaps, self.connection_id)
        return self.env["superoffice.sync.service"]._settled(fmaps, base, written, actual)

    def _create_link(self, record, entity_type, so_id, base, actor_type=None):
        """The link of ``record`` to SuperOffice record ``so_id`` with its base snapshot."""
        values = {
            "connection_id": self.connection_id.id,
            "entity_type": entity_type,
            "so_id": so_id,
            "base_snapshot": base,
            "state": "linked",
            "last_sync_at": fields.Datetime.now(),
        }
        if record._name == "res.partner":
            values["partner_id"] = record.id
        else:
            values["project_id"] = record.id
        if entity_type == "company":
            values["actor_type"] = actor_type or "customer"
        return self.env["superoffice.link"].create(values)

    @api.model
    def _link_sync_values(self, entity):
        updated = entity.updated
        return {
            "so_updated_at": updated.replace(tzinfo=None) if updated else False,
            "last_sync_at": fields.Datetime.now(),
            "state": "linked",
        }

    def _reopen(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env["ir.model"]._get(self._name).name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": dict(self.env.context),
        }

    def _back_to_record(self, record):
        """Close the dialog and show ``record``'s form (reloaded, with its SuperOffice tab)."""
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
