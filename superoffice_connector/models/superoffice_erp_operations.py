"""The 17 operations of ``IErpConnectorWS`` on an ERP Sync connection.

Actor operations run as the connection's user in its company (``_acting_env``), so Odoo's
access rights and record rules apply on top of each actor type's company domain.

``_erp_dispatch(key, request)`` is what the controller calls: it finds the connection of the
key, checks the GUID, runs the operation as the connection's user in its company inside a
savepoint and returns the response bytes. Business errors (``ErpError``, Odoo's user, access
and validation errors) roll the savepoint back and are answered in the operation's carrier
with ``State=Error``; anything else is logged with its traceback and answered with a generic
explanation, never a stack trace.

A call is noted on the connection (``last_call_at``, shown to the administrator) at most once a
minute and only when the connection's row can be taken at once (:meth:`_erp_note_call`):
SuperOffice's engine makes several calls at the same time, and a call must never wait for
another one nor fail because of it.
"""

import contextlib
import logging
from datetime import timedelta

import psycopg2

from odoo import fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .. import compat, erp
from ..erp import auth as erp_auth
from ..erp import carriers as c
from ..erp import search as erp_search
from ..erp import values as v
from ..erp.carriers import ErpError, FieldMetadata, Result
from ..erp.wire import value as wire_value
from .superoffice_erp_actor import ACTOR_CLASSES, actor_type
from .superoffice_erp_record import create_fingerprint

_logger = logging.getLogger(__name__)

ACCESS_DENIED = "ACCESS_DENIED"  # our code: no or a wrong connector key
EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
# Operations that come before SuperOffice has a GUID (or use the empty one) for this key.
BEFORE_GUID = {"GetConfigData", "TestConfigData", "SaveConnection", "GetList", "GetListItems"}
LAST_CALL_STEP = timedelta(minutes=1)  # last_call_at is written at most this often
# Operations that write nothing in the request's transaction and read their records in one of
# their own, so that no failed query can leave the request's transaction aborted: they run
# without the savepoint of the others (two statements less on SuperOffice's every poll).
OWN_TRANSACTION = {"GetActorsByTimestamp"}


class SuperofficeErpConnection(models.Model):
    _inherit = "superoffice.erp.connection"

    # ------------------------------------------------------------------ dispatch

    def _erp_dispatch(self, key, request):
        """Answer ``request`` (an ``erp.Request``) received with connector key ``key``."""
        connection = self._from_key(key)
        if request.operation == "Authenticate":
            return connection._erp_authenticate(request.params.get("SignedToken"))
        if not connection:
            _logger.warning("SuperOffice ERP Sync call %s refused: %s connector key",
                            request.operation, "wrong" if key else "no")
            return erp.build_response(request.operation, ErpError(
                self.env._("The connector key is missing or wrong: copy the connector URL "
                           "from Odoo again."), "connector key refused", ACCESS_DENIED).result())
        try:
            with contextlib.nullcontext() if request.operation in OWN_TRANSACTION \
                    else self.env.cr.savepoint():
                result, payload = connection._erp_run(request)
        except ErpError as exc:
            result, payload = exc.result(), None
        except (UserError, ValidationError, AccessError) as exc:
            result, payload = Result(c.ERROR, str(exc), type(exc).__name__), None
        except Exception:
            _logger.exception("SuperOffice ERP Sync call %s failed", request.operation)
            result, payload = Result(
                c.ERROR, self.env._("Odoo could not complete the request; see the Odoo log."),
                "internal error in the connector"), None
        if result.state == c.ERROR:
            _logger.info("SuperOffice ERP Sync %s on %s: %s (%s)", request.operation,
                         connection.name, result.tech_explanation, result.error_code)
        return connection._erp_answer(request.operation, result, payload)

    def _erp_authenticate(self, token):
        """Online: check SuperOffice's token and answer with the signed nonce."""
        if not self:
            _logger.warning("SuperOffice ERP Sync Authenticate refused: no or a wrong connector key")
            return erp.build_authenticate_response(False, reason="Unknown connector key")
        connection = self.sudo()
        try:
            nonce = erp_auth.verify_token(
                token, keys_text=connection.online_signing_keys,
                client_id=connection.online_client_id)
            answer = erp_auth.answer_token(nonce, connection.online_private_key or "")
        except (erp_auth.TokenRejected, ValueError) as exc:
            _logger.warning("SuperOffice ERP Sync Authenticate on %s refused: %s",
                            connection.name, exc)
            return erp.build_authenticate_response(False, reason=str(exc))
        except Exception as exc:  # noqa: BLE001 - a broken private key must not leak a trace
            _logger.warning("SuperOffice ERP Sync Authenticate on %s failed: %s",
                            connection.name, type(exc).__name__)
            return erp.build_authenticate_response(
                False, reason="The application's private key cannot sign")
        return erp.build_authenticate_response(True, signed_token=answer)

    def _erp_run(self, request):
        self.ensure_one()
        params = request.params
        operation = request.operation
        guid = (params.get("ConnectionGuid") or "").strip().lower()
        needs_guid = operation not in BEFORE_GUID or (
            operation in ("GetList", "GetListItems") and guid not in ("", EMPTY_GUID))
        known = guid and self.state == "connected" and guid == (self.guid or "")
        if needs_guid and not known:
            # The code makes SuperOffice send its configuration again. Under an alphabetical
            # contract the code is dropped (erp/wire.py, MEMBER_ORDER) and SuperOffice only shows
            # or logs the explanation: so it names the code and what to do.
            code = wire_value("unknown_connection_code")
            raise ErpError(
                self.env._("Odoo does not know this SuperOffice connection (%(code)s). Save the "
                           "connection in SuperOffice again (Sync tab, Edit, Save) to send its "
                           "configuration to Odoo.", code=code),
                f"{code}: unknown connection id {guid!r}", code)
        env = self._acting_env()
        connection = self.with_env(env)
        answer = getattr(connection, "_erp_" + operation[0].lower() + operation[1:])(params)
        self._erp_note_call()
        return answer

    def _erp_note_call(self):
        """Set ``last_call_at`` to now if it is a minute old, without waiting and without failing.

        Two calls at once (SuperOffice's engine makes them, Odoo's workers answer them) would
        both write the connection's row: the second one waited for the first one's commit and
        then failed on a serialization error (Odoo's transactions are repeatable read). So the
        row is written only when it can be locked at once (``SKIP LOCKED``) and has not changed
        since this request's snapshot (else PostgreSQL refuses the lock with a serialization
        failure, taken back here in a savepoint); otherwise the transaction that holds or
        changed the row, or a later call, notes the call. Done after the operation, so that the
        row stays locked only until this request commits."""
        connection = self.sudo()
        now = fields.Datetime.now()
        if connection.last_call_at and now - connection.last_call_at < LAST_CALL_STEP:
            return
        self.env.flush_all()  # the operation's own writes, whose errors are not taken back here
        try:
            # a serialization failure is expected here: not logged as a bad query
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                locked = compat.try_lock_for_update(connection)
        except psycopg2.errors.SerializationFailure:
            return
        if locked:
            connection.last_call_at = now

    # ------------------------------------------------------------------ configuration

    def _erp_config_fields(self):
        return [
            FieldMetadata("COMPANY", self.env._("Odoo company"), c.LIST, list_name="Companies",
                          default_value=str(self.sudo().company_id.id), access=c.MANDATORY),
            FieldMetadata("ALLOWCREATE", self.env._("SuperOffice may create records in Odoo"),
                          c.CHECKBOX, default_value="[I:1]" if self.sudo().allow_create else "[I:0]"),
            FieldMetadata("KEY", self.env._("Connector key from Odoo"), c.PASSWORD,
                          access=c.MANDATORY,
                          display_description=self.env._(
                              "The key shown on the ERP Sync connection in Odoo.")),
        ]

    def _erp_getConfigData(self, params):
        return Result(), self._erp_config_fields()

    def _erp_check_config(self, info):
        """The company and allow-create of a configuration dict, or an ErpError."""
        key = info.get("KEY") or ""
        if not key or not self.sudo().key or key != self.sudo().key:
            raise ErpError(self.env._("The connector key does not match the key in Odoo."),
                           "configuration key mismatch")
        company_key = (info.get("COMPANY") or str(self.sudo().company_id.id)).strip()
        company = self.sudo().user_id.company_ids.filtered(lambda co: str(co.id) == company_key)
        if not company:
            raise ErpError(self.env._("%(company)s is not an Odoo company of this connection.",
                                      company=company_key), "unknown company")
        try:
            allow = v.decode(c.CHECKBOX, info.get("ALLOWCREATE", "[I:1]"))
        except v.ValueEncodingError as exc:
            raise ErpError(self.env._("Allow create must be checked or not."), str(exc))
        return company, allow

    def _erp_testConfigData(self, params):
        company, _allow = self._erp_check_config(params["ConnectionInfo"])
        return Result(c.OK, self.env._("Odoo is ready for company %(company)s.",
                                       company=company.name)), None

    def _erp_saveConnection(self, params):
        guid = (params["ConnectionGuid"] or "").strip().lower()
        if not guid or guid == EMPTY_GUID:
            raise ErpError(self.env._("SuperOffice sent no connection id."), "empty guid")
        current = self.sudo()
        if current.guid and current.guid != guid and current.state == "connected":
            raise ErpError(
                self.env._("This connector key is already used by another SuperOffice connection. "
                           "Create another ERP Sync connection in Odoo for this one."),
                "key bound to another guid")
        company, allow = self._erp_check_config(params["ConnectionInfo"])
        info = {k: val for k, val in params["ConnectionInfo"].items() if k != "KEY"}
        current.write({"guid": guid, "state": "connected", "company_id": company.id,
                       "so_allow_create": allow, "config": info})
        return Result(), None

    def _erp_testConnection(self, params):
        # a real round trip: read with the acting user's rights in the company
        self.env["res.partner"].search_count([])
        self.env["project.project"].search_count([])
        return Result(c.OK, self.env._("Connected to %(company)s as %(user)s.",
                                       company=self.sudo().company_id.name, user=self.env.user.name)), None

    def _erp_deleteConnection(self, params):
        self.sudo().write({"state": "deleted"})
        return Result(), None

    # ------------------------------------------------------------------ metadata

    def _erp_getSupportedActorTypes(self, params):
        return Result(), list(ACTOR_CLASSES)

    def _erp_actor(self, name, linked=True):
        """The actor type ``name``; Customer and Supplier also hold what this connection linked
        as that type (its ranks may have changed since): a sub-select of the links, not the
        list of their ids, whose length would grow with the table. ``linked=False`` leaves it
        out, for a caller that only reads records it already has."""
        linked_sql = None
        if linked and name in (c.CUSTOMER, c.SUPPLIER):
            linked_sql = self.env["superoffice.erp.record"].sudo()._search([
                ("connection_id", "=", self.id), ("actor_type", "=", name),
                ("partner_id", "!=", False)]).subselect("partner_id")
        return actor_type(self.env, self.sudo().company_id, name, linked_sql)

    def _erp_getSupportedActorTypeFields(self, params):
        actor = self._erp_actor(params["ActorType"])
        return Result(), [
            FieldMetadata(spec.key, self.env._(spec.label), spec.field_type,
                          list_name=spec.list_name, access=spec.access,
                          max_length=spec.max_length)
            for spec in actor.fields
        ]

    def _erp_getSearchableFields(self, params):
        actor = self._erp_actor(params["ActorType"])
        return Result(), [spec.key for spec in actor.fields if spec.searchable]

    # ------------------------------------------------------------------ lists

    def _erp_list(self, name):
        if name == "Companies":
            return {str(co.id): co.name for co in self.sudo().user_id.company_ids}
        if name == "Country":
            return {co.code: co.name for co in self.env["res.country"].sudo().search([])}
        if name == "State":
            return {f"{st.country_id.code}-{st.code}": st.name
                    for st in self.env["res.country.state"].sudo().search([])}
        raise ErpError(self.env._("Odoo has no list %(list)s.", list=name or "-"),
                       f"unknown list {name!r}")

    def _erp_getList(self, params):
        return Result(), self._erp_list(params["ListName"])

    def _erp_getListItems(self, params):
        items = self._erp_list(params["ListName"])
        return Result(), {k: items[k] for k in params["ListItemKeys"] if k in items}

    # ------------------------------------------------------------------ actors

    def _erp_getActors(self, params):
        actor = self._erp_actor(params["ActorType"])
        records = actor.browse_keys(params["ErpKeys"])
        order = {key: n for n, key in enumerate(params["ErpKeys"])}
        records = records.sorted(lambda r: order.get(str(r.id), 0))
        return Result(), self._erp_actors(actor, records, params["FieldKeys"])

    def _erp_capped(self, actor, domain, field_keys):
        """Search with the blank-search cap; a capped answer says so (OkWithInfo)."""
        limit = self.sudo().search_limit
        records = actor.records(domain, limit=limit + 1, order="name, id")
        result = Result()
        if len(records) > limit:
            records = records[:limit]
            result = Result(c.OK_WITH_INFO, self.env._(
                "Only the first %(limit)s records are shown; refine the search.", limit=limit),
                f"capped at {limit}")
        # the answer size limit may cut further (superoffice_erp_answer.py)
        return result, self._erp_actors(actor, records, field_keys)

    def _erp_searchActors(self, params):
        actor = self._erp_actor(params["ActorType"])
        text = (params["SearchText"] or "").strip()
        domain = actor.text_domain(text) if text else []
        return self._erp_capped(actor, domain, params["FieldKeys"])

    def _erp_parent_domain(self, parent_type, parent_key):
        if parent_type and parent_type not in (c.CUSTOMER, c.SUPPLIER, c.PARTNER):
            raise ErpError(self.env._("A person's parent is a company, not %(type)s.",
                                      type=parent_type), f"parent type {parent_type!r}")
        key = (parent_key or "").strip()
        return [("parent_id", "=", int(key) if key.isdigit() else 0)]

    def _erp_searchActorByParent(self, params):
        actor = self._erp_actor(params["ActorType"])
        if actor.name != c.PERSON:
            raise ErpError(self.env._("Only persons are searched under a parent."),
                           f"SearchActorByParent for {actor.name}")
        domain = self._erp_parent_domain(params["ParentActorType"], params["ParentActorErpKey"])
        text = (params["SearchText"] or "").strip()
        if text:
            domain += actor.text_domain(text)
        return self._erp_capped(actor, domain, params["FieldKeys"])

    def _erp_searchActorsAdvanced(self, params):
        actor = self._erp_actor(params["ActorType"])
        domain = []
        for restriction in params["Restrictions"]:
            domain += self._erp_restriction_domain(actor, restriction)
        return self._erp_capped(actor, domain, params["FieldKeys"])

    def _erp_restriction_domain(self, actor, restriction):
        key = restriction.field_key
        if key == c.PARENT_ERP_KEY and actor.name == c.PERSON:
            return self._erp_parent_domain("", (restriction.values or [""])[0])
        if key == c.PARENT_ACTOR_TYPE and actor.name == c.PERSON:
            return []  # every person's parent is a company: Customer (or Supplier)
        spec = actor.specs.get(key)
        if not spec or not spec.searchable:
            raise ErpError(self.env._("%(field)s cannot be searched.", field=key or "-"),
                           f"not searchable: {key!r}")

        def convert(item_key):
            record = actor.list_record(spec.list_name, item_key)
            return record.id if record else None

        try:
            return erp_search.restriction_domain(
                spec.orm, spec.field_type, restriction.operator, restriction.values,
                convert=convert, date_only=spec.date_only)
        except erp_search.SearchError as exc:
            raise ErpError(self.env._("The search on %(field)s is not valid: %(reason)s",
                                      field=key, reason=str(exc)), str(exc))

    def _erp_createActor(self, params):
        sent = params["Actor"]
        if sent is None:
            raise ErpError(self.env._("SuperOffice sent no actor to create."), "no actor")
        if not (self.sudo().allow_create and self.sudo().so_allow_create):
            raise ErpError(self.env._("SuperOffice may not create records in this Odoo."),
                           "create not allowed")
        actor = self._erp_actor(sent.actor_type)
        fingerprint = create_fingerprint(self, sent)
        Link = self.env["superoffice.erp.record"]
        record = Link._created_before(self, fingerprint)
        if not record:
            actor.check_mandatory(sent.field_values)
            record = self.env[actor.model].create(actor.create_values(sent))
            Link._mark(self, actor.name, record, fingerprint)
        return Result(), actor.to_actor(record, list(sent.field_values) or None)

    def _erp_saveActors(self, params):
        saved, kept = [], []
        Link = self.env["superoffice.erp.record"]
        for sent in params["Actors"]:
            actor = self._erp_actor(sent.actor_type)
            record = actor.browse_keys([sent.erp_key])
            if not record:
                raise ErpError(
                    self.env._("%(type)s %(key)s is not in Odoo (or not in this company).",
                               type=sent.actor_type, key=sent.erp_key or "-"),
                    f"unknown erp key {sent.erp_key!r}")
            vals = actor.changed_only(record, actor.decode_values(sent.field_values, record))
            kept += self._erp_keep_unsent(actor, record, vals)
            if vals:
                record.write(vals)
            Link._mark(self, actor.name, record)
            saved.append(actor.to_actor(record, list(sent.field_values) or None))
        if kept:
            named = ", ".join(f"{key} ({erp_key})" for erp_key, key in kept)
            return Result(c.OK_WITH_INFO, self.env._(
                "Not written: %(values)s. Odoo's value is longer than the %(chars)s characters "
                "SuperOffice accepts, so SuperOffice never received it; change it in Odoo.",
                values=named, chars=wire_value("max_string_content_length")),
                f"kept values over the string quota: {named}"), saved
        return Result(), saved
