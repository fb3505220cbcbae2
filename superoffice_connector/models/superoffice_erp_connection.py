"""SuperOffice ERP Sync connections: the addon as SuperOffice's ERP Sync Connector.

An Odoo administrator creates one row per SuperOffice ERP connection to be: it holds the key
that travels in the connector URL (``?key=``), the user whose rights every call runs with, and
whether SuperOffice may create records in Odoo. SuperOffice then calls SaveConnection with the
GUID it generated and the configuration fields of GetConfigData (the company, allow create and
the key); the GUID is stored on the row and every later call must name it. An unknown GUID is
answered with the unknown-connection code, upon which SuperOffice resends the configuration.

The operations themselves live in ``superoffice_erp_operations.py``.
"""

import hmac
import logging
import secrets

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.modules import db
from odoo.tools import SQL
from odoo.tools.sql import create_index

from .. import compat

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "superoffice_connector.superoffice_connector_group_admin"
ENDPOINT = "/superoffice/erp/ErpConnectorWS.svc"
# An answer must hold the envelope and one actor of ordinary values (each value is under 8,192
# characters, or left out).
MIN_ANSWER_BUDGET = 16384
# res.partner columns SearchActors looks in (text_search of the Customer, Supplier and Person
# actors), indexed for ilike
SEARCH_INDEXED = ("name", "ref", "vat", "email", "city", "phone", "function")


def _new_key(_records=None):
    return secrets.token_urlsafe(24)


class SuperofficeErpConnection(models.Model):
    _name = "superoffice.erp.connection"
    _inherit = ["superoffice.erp.answer", "superoffice.erp.changes"]
    _description = "SuperOffice ERP Sync Connection"
    _order = "id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company,
        help="The Odoo company SuperOffice's records are linked with. SuperOffice may choose "
        "another company of the user in its configuration.",
    )
    user_id = fields.Many2one(
        "res.users", string="Acts as", required=True, default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        help="Every call of SuperOffice runs with this user's access rights.",
    )
    allow_create = fields.Boolean(
        string="SuperOffice may create records", default=True,
        help="When off, Create in ERP is refused whatever SuperOffice's configuration says.",
    )
    key = fields.Char(
        string="Connector key", default=_new_key, copy=False, groups=ADMIN_GROUP,
        help="Part of the connector URL; a call without it is refused.",
    )
    connector_url = fields.Char(compute="_compute_connector_url", groups=ADMIN_GROUP)
    guid = fields.Char(
        string="SuperOffice connection GUID", copy=False, readonly=True, index=True,
    )
    state = fields.Selection(
        [("waiting", "Waiting for SuperOffice"), ("connected", "Connected"),
         ("deleted", "Deleted in SuperOffice")],
        default="waiting", required=True, readonly=True, copy=False,
    )
    so_allow_create = fields.Boolean(
        string="Create allowed in SuperOffice's configuration", readonly=True, copy=False,
    )
    config = fields.Json(string="Configuration from SuperOffice", readonly=True, copy=False)
    search_limit = fields.Integer(
        default=500, required=True,
        help="A blank search lists at most this many records (SuperOffice has no paging here); "
             "one answer of the periodic sync holds about as many, the oldest changes first.",
    )
    answer_budget = fields.Integer(
        string="Answer size limit (bytes)", default=60000, required=True,
        help="One answer to SuperOffice holds at most this many bytes; more records follow in "
             "the next answer. SuperOffice's engine refuses an answer over 65,536 bytes unless "
             "its connector configuration raises MaxReceivedMessageSize: raise this limit only "
             "together with SuperOffice's.",
    )
    online_client_id = fields.Char(
        string="Online application ID", groups=ADMIN_GROUP,
        help="SuperOffice Online only: the client id of the ERP sync application.",
    )
    online_signing_keys = fields.Text(
        string="SuperOffice signing keys", groups=ADMIN_GROUP,
        help="SuperOffice Online only: SuperOffice's token signing certificate or public key "
        "(PEM), or its JWKS document.",
    )
    online_private_key = fields.Text(
        string="Application private key", groups=ADMIN_GROUP,
        help="SuperOffice Online only: the application's RSA private key (PEM or RSA-XML), "
        "used to sign the answer to Authenticate.",
    )
    last_call_at = fields.Datetime(string="Last call", readonly=True, copy=False)
    erp_record_ids = fields.One2many("superoffice.erp.record", "connection_id")

    _guid_unique = compat.Constraint(
        "UNIQUE(guid)", "A SuperOffice connection GUID belongs to one ERP Sync connection.",
    )

    def init(self):
        result = super().init()
        self._erp_init_search_indexes()
        return result

    def _erp_init_search_indexes(self):
        """Trigram indexes on the fields SearchActors looks in (``ilike``), so that a search by
        name reads an index instead of the whole table. PostgreSQL's ``pg_trgm`` is created when
        the database has none and the database's owner may (a trusted extension since
        PostgreSQL 13; Odoo's own database manager creates it too); without it, no index."""
        cr = self.env.cr
        if not db.has_trigram(cr):
            try:
                with cr.savepoint():
                    cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except psycopg2.Error as exc:
                _logger.info("No trigram indexes for ERP Sync searches: %s", exc)
                return
        unaccent = self.env.registry.has_unaccent == db.FunctionStatus.INDEXABLE
        for column in SEARCH_INDEXED:
            expression = f'"{column}"'
            if unaccent:  # Odoo searches unaccent(column) then, and the index must say the same
                expression = self.env.registry.unaccent(expression)
            create_index(cr, f"superoffice_erp_res_partner_{column}_trgm_idx", "res_partner",
                         [f"{expression} gin_trgm_ops"], method="gin")

    @api.depends("key")
    def _compute_connector_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for connection in self:
            connection.connector_url = f"{base}{ENDPOINT}?key={connection.key}" \
                if connection.key else False

    @api.constrains("search_limit")
    def _check_search_limit(self):
        for connection in self:
            if connection.search_limit < 1:
                raise ValidationError(self.env._("The search limit must be at least 1."))

    @api.constrains("answer_budget")
    def _check_answer_budget(self):
        for connection in self:
            if connection.answer_budget < MIN_ANSWER_BUDGET:
                raise ValidationError(self.env._(
                    "The answer size limit must be at least %(bytes)s bytes.",
                    bytes=MIN_ANSWER_BUDGET))

    @api.constrains("user_id", "company_id")
    def _check_user_company(self):
        for connection in self:
            if connection.company_id not in connection.user_id.company_ids:
                raise ValidationError(self.env._(
                    "The user %(user)s has no access to the company %(company)s.",
                    user=connection.user_id.display_name,
                    company=connection.company_id.display_name))

    def action_new_key(self):
        """A new key: the old connector URL stops working at once."""
        for connection in self:
            connection.key = _new_key()

    def action_release(self):
        """Forget SuperOffice's GUID, so a new SuperOffice connection can use this key."""
        self.write({"guid": False, "state": "waiting", "config": False})

    @api.model
    def _from_key(self, key):
        """The active connection of a connector key (sudo), or an empty recordset. The language
        of its user comes with it (in the context, for :meth:`_acting_env`)."""
        if not key:
            return self.browse()
        # every call of SuperOffice comes here first: one query, no domain to build
        self.flush_model(["key", "active", "user_id"])
        self.env["res.users"].flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["lang"])
        rows = self.env.execute_query(SQL(
            "SELECT c.id, c.key, p.lang FROM superoffice_erp_connection c"
            "  LEFT JOIN res_users u ON u.id = c.user_id"
            "  LEFT JOIN res_partner p ON p.id = u.partner_id"
            " WHERE c.key = %s AND c.active ORDER BY c.id LIMIT 1", key))
        if rows and hmac.compare_digest(rows[0][1].encode(), key.encode()):
            return self.sudo().with_context(superoffice_erp_lang=rows[0][2] or "en_US").browse(
                rows[0][0])
        return self.browse()

    def _acting_env(self):
        """The environment of the connection's user in its company only."""
        self.ensure_one()
        user = self.user_id
        # the user's language comes with the key (_from_key), without reading the whole user
        # and partner on every call
        lang = self.env.context.get("superoffice_erp_lang") or user.lang or "en_US"
        return self.env(user=user, su=False, context=dict(
            self.env.context, allowed_company_ids=[self.company_id.id], lang=lang,
            active_test=True,
        ))
