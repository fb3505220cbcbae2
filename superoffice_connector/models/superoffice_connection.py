"""A SuperOffice tenant (or on-site installation) used by one Odoo company.

The connection is the single boundary between the ORM and the pure client in ``..api``: it builds
the client from its (administrator-only) credentials and translates client exceptions into
translated user messages (:meth:`_user_message`). Wizards raise them with
:meth:`_raise_user_error`; background jobs store :meth:`_user_message` on the link or the log.
"""

import hashlib
import logging
import secrets
import threading
import time

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import api as so_api
from .. import compat
from ..api import exceptions as so_exc
from ..api.associates import Associates, OwnerLookup
from ..api.lists import ListItems
from ..sync import transforms
from .superoffice_rate_limit import OwnConnection, SharedRateLimiter
from .superoffice_shared_state import DatabaseState

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "superoffice_connector.superoffice_connector_group_admin"

# One client per connection and configuration, shared by the threads of this process. The rate
# limit, the system user ticket and the tenant address are shared by every process
# (superoffice_rate_limit, superoffice_shared_state).
_CLIENTS = {}
_CLIENTS_LOCK = threading.Lock()

CREDENTIAL_FIELDS = (
    "client_id", "client_secret", "system_token", "private_key", "jwt_public_key",
    "oauth_access_token", "oauth_refresh_token", "oauth_expires_at",
    "onsite_username", "onsite_password", "ticket", "webhook_secret",
)


# Everything the client is built from (part of the client cache key).
CLIENT_FIELDS = (
    "environment", "base_url", "tenant", "auth_mode", "client_id", "client_secret",
    "system_token", "private_key", "jwt_public_key", "oauth_access_token",
    "oauth_refresh_token", "oauth_expires_at", "onsite_username", "onsite_password", "ticket",
    "read_timeout", "max_retries",
)


class SuperofficeConnection(models.Model):
    _name = "superoffice.connection"
    _description = "SuperOffice Connection"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
        tracking=True,
    )
    environment = fields.Selection(
        [
            ("sod", "Development (sod)"),
            ("qaonline", "Stage (qaonline)"),
            ("online", "Production (online)"),
            ("onsite", "On-site installation"),
        ],
        required=True, default="online", tracking=True,
    )
    base_url = fields.Char(
        string="Base URL",
        help="On-site: the web API root, e.g. https://crm.example.com/SuperOffice/api. "
        "Online: leave empty (or set a host that replaces https://<environment>.superoffice.com).",
    )
    tenant = fields.Char(
        string="Tenant (Context ID)", help="The customer's context identifier, e.g. Cust12345.",
        tracking=True,
    )
    auth_mode = fields.Selection(
        [
            ("system_user", "System user (server to server)"),
            ("oauth", "OAuth (user token)"),
            ("onsite_basic", "On-site user name and password"),
            ("ticket", "Ticket"),
        ],
        string="Authentication", required=True, default="system_user", tracking=True,
    )
    # Credentials: only SuperOffice administrators may read or write them (field-level groups, so
    # a plain user's RPC read/search_read never returns them).
    client_id = fields.Char(string="Client ID", groups=ADMIN_GROUP)
    client_secret = fields.Char(
        string="Client secret (application token)", groups=ADMIN_GROUP, copy=False
    )
    system_token = fields.Char(groups=ADMIN_GROUP, copy=False)
    private_key = fields.Text(
        string="Application private key", groups=ADMIN_GROUP, copy=False,
        help="PEM or <RSAKeyValue> XML used to sign the system user token.",
    )
    jwt_public_key = fields.Text(
        string="SuperOffice token public key", groups=ADMIN_GROUP,
        help="Optional PEM used to verify the signature of the system user JWT.",
    )
    oauth_access_token = fields.Char(groups=ADMIN_GROUP, copy=False)
    oauth_refresh_token = fields.Char(groups=ADMIN_GROUP, copy=False)
    oauth_expires_at = fields.Float(
        string="Access token expiry (epoch)", groups=ADMIN_GROUP, copy=False
    )
    onsite_username = fields.Char(string="User name", groups=ADMIN_GROUP)
    onsite_password = fields.Char(string="Password", groups=ADMIN_GROUP, copy=False)
    ticket = fields.Char(groups=ADMIN_GROUP, copy=False)
    webhook_secret = fields.Char(
        groups=ADMIN_GROUP, copy=False, default=lambda self: secrets.token_urlsafe(32),
        help="Shared secret SuperOffice signs webhook calls with (X-SuperOffice-Signature).",
    )
    webhook_id = fields.Integer(
        string="SuperOffice webhook ID", copy=False, readonly=True,
        help="Id of the webhook registered in SuperOffice for this connection.",
    )
    allow_create_superoffice = fields.Boolean(
        string="Allow creating records in SuperOffice", default=True
    )
    allow_create_odoo = fields.Boolean(string="Allow creating records in Odoo", default=True)
    conflict_policy = fields.Selection(
        [
            ("manual", "Ask a person"),
            ("odoo_wins", "Odoo wins"),
            ("superoffice_wins", "SuperOffice wins"),
        ],
        string="Unattended conflicts", required=True, default="manual",
        help="What the background synchronization does with a field changed on both sides.",
    )
    read_timeout = fields.Float(
        string="Request timeout (s)", default=30.0,
        help="How long one request to SuperOffice may wait for the answer.",
    )
    max_retries = fields.Integer(
        string="Retries", default=5,
        help="How often a request that failed on the network, with 429 or 5xx is retried.",
    )
    sync_interval = fields.Integer(
        string="Sync interval (minutes)", default=15,
        help="How often changes are pulled from SuperOffice. The pull job wakes every 5 minutes "
        "and pulls this connection when its interval has passed; webhook events are pulled at once.",
    )
    delete_policy = fields.Selection(
        [("archive", "Archive the Odoo record"), ("unlink", "Only remove the link")],
        string="When deleted in SuperOffice", required=True, default="archive",
    )
    superoffice_associate_id = fields.Integer(
        string="SuperOffice associate ID", readonly=True, copy=False,
        help="Associate the connector acts as in SuperOffice; changes made by it are echoes.",
    )
    superoffice_user_name = fields.Char(string="SuperOffice user", readonly=True, copy=False)
    state = fields.Selection(
        [("draft", "Not tested"), ("ok", "Connected"), ("error", "Error")],
        required=True, default="draft", readonly=True, copy=False, tracking=True,
    )
    last_test_at = fields.Datetime(string="Last tested", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    link_ids = fields.One2many("superoffice.link", "connection_id", string="Links")
    link_count = fields.Integer(compute="_compute_link_count")

    _company_name_uniq = compat.Constraint(
        "UNIQUE(company_id, name)",
        "A connection with this name already exists in this company.",
    )
    _sync_interval_positive = compat.Constraint(
        "CHECK(sync_interval > 0)", "The sync interval must be at least one minute."
    )

    @api.depends("link_ids")
    def _compute_link_count(self):
        groups = self.env["superoffice.link"]._read_group(
            [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]
        )
        counts = {connection.id: count for connection, count in groups}
        for connection in self:
            connection.link_count = counts.get(connection.id, 0)

    @api.constrains("environment", "base_url", "tenant")
    def _check_environment(self):
        for connection in self:
            if connection.environment == "onsite" and not connection.base_url:
                raise ValidationError(
                    self.env._("An on-site connection needs the base URL of its web API.")
                )
            if connection.environment != "onsite" and not connection.tenant:
                raise ValidationError(
                    self.env._("An online connection needs the tenant (context identifier).")
                )

    # ------------------------------------------------------------------ CRUD

    def write(self, vals):
        if vals.get("company_id"):
            moved = self.filtered(lambda connection: connection.company_id.id != vals["company_id"])
            if moved and self.env["superoffice.link"].sudo().search_count(
                [("connection_id", "in", moved.ids)], limit=1
            ):
                # Its links, and the records they link, belong to the company it has now.
                raise UserError(self.env._(
                    "Records are linked through this connection: it stays in its company."
                ))
        return super().write(vals)

    # ------------------------------------------------------------------ actions

    def action_test_connection(self):
        """Call ``User/currentPrincipal`` and report the tenant and SuperOffice user, or the error.

        Returns a notification action that then reloads the form; the result is also stored on
        the connection (state, user, associate id used for echo detection, last error), so the
        status bar, the SuperOffice user and the error field show it at once."""
        self.ensure_one()
        self.check_access("write")
        try:
            principal = self._get_client().current_principal()
        except (so_exc.SuperOfficeError, ValueError) as exc:
            message = self._user_message(exc)
            self.sudo().write({
                "state": "error", "last_error": message, "last_test_at": fields.Datetime.now(),
            })
            return self._reloading(
                self._notification(self.env._("Connection failed"), message, "danger")
            )
        principal = principal or {}
        user_name = (
            principal.get("FullName") or principal.get("Associate") or principal.get("UserName")
            or ""
        )
        self.sudo().write({
            "state": "ok",
            "last_error": False,
            "last_test_at": fields.Datetime.now(),
            "superoffice_user_name": user_name,
            "superoffice_associate_id": principal.get("AssociateId") or 0,
        })
        message = self.env._(
            "Connected to tenant %(tenant)s as %(user)s.",
            tenant=principal.get("ContextIdentifier") or self.tenant or self.base_url,
            user=user_name or self.env._("an unnamed user"),
        )
        return self._reloading(
            self._notification(self.env._("Connection works"), message, "success")
        )

    def _own_associate_id(self):
        """The SuperOffice associate this connection writes as (``UpdatedBy`` of our writes):
        known from Test connection, else asked once. ``None`` when SuperOffice cannot say now;
        the sync then treats every write it did not see as someone else's (the safe side)."""
        self.ensure_one()
        if self.superoffice_associate_id:
            return self.superoffice_associate_id
        try:
            principal = self._get_client().current_principal() or {}
        except (so_exc.SuperOfficeError, ValueError) as exc:
            _logger.info("SuperOffice: who we are is unknown for now (%s)", exc)
            return None
        associate_id = principal.get("AssociateId")
        if not isinstance(associate_id, int) or associate_id <= 0:
            return None
        self.sudo().superoffice_associate_id = associate_id
        return associate_id

    def action_view_links(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "superoffice_connector.superoffice_link_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"default_connection_id": self.id}
        return action

    @api.model
    def _reloading(self, notification):
        """``notification``, followed by a reload of the current view (the values it changed)."""
        notification["params"]["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return notification

    def _notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind, "sticky": kind != "success"},
        }

    # ------------------------------------------------------------------ business methods

    @api.model
    def _default_for_company(self, company=None):
        """The first active connection of ``company`` (default: the current company)."""
        company = company or self.env.company
        return self.search([("company_id", "=", company.id)], limit=1)

    def _get_client(self):
        """A :class:`SuperOfficeClient` built from this connection's (sudo'ed) credentials.

        Cached per database, connection and configuration: the key holds a digest of everything
        the client is built from (:meth:`_client_fingerprint`), so any edit of credentials or
        options (even inside the same transaction, where ``write_date`` does not move) builds a
        new client on next use, in every process. Its requests reserve their slots in the
        connection's request budget shared by all processes (:class:`SharedRateLimiter`).
        Raises ``ValueError`` when the configuration is incomplete, ``AccessError`` when the
        current user may not read the connection (the credentials are read with sudo below, so
        another company's connection must not be usable through a wizard pointing at it)."""
        self.ensure_one()
        self.check_access("read")
        sudo = self.sudo()
        digest = hashlib.sha256(repr(sudo._client_fingerprint()).encode()).hexdigest()
        key = (self.env.cr.dbname, self.id, digest)
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
        if client is not None:
            return client
        # The processes of the connection share its rate limit, ticket and tenant address,
        # through a database connection of this process's own.
        db = OwnConnection(self.env.cr.dbname)
        client = so_api.SuperOfficeClient(sudo._client_config(), shared=DatabaseState(db, self.id))
        client.transport.limiter = SharedRateLimiter(
            db.dbname, self.id, client.config.rate_limit, db=db
        )
        with _CLIENTS_LOCK:
            for stale in [k for k in _CLIENTS if k[:2] == key[:2]]:
                del _CLIENTS[stale]
            _CLIENTS[key] = client
        return client

    def _client_fingerprint(self):
        """Everything the client is built from (call on a sudo'ed record)."""
        return [self[name] for name in CLIENT_FIELDS]

    def _client_config(self):
        """ClientConfig from the stored fields (call on a sudo'ed record)."""
        self.ensure_one()
        return so_api.ClientConfig(
            environment=self.environment,
            tenant=(self.tenant or "").strip(),
            auth=self._client_auth(),
            base_url=(self.base_url or "").strip() or None,
            read_timeout=self.read_timeout or 30.0,
            max_retries=max(self.max_retries, 0),
        )

    def _client_auth(self):
        mode = self.auth_mode
        if mode == "system_user":
            missing = not (self.system_token and self.private_key and self.client_secret)
            if missing:
                raise ValueError(self.env._(
                    "The system user needs the system token, the private key and the client secret."
                ))
            return so_api.SystemUserAuth(
                system_token=self.system_token.strip(),
                private_key=self.private_key,
                client_secret=self.client_secret.strip(),
                jwt_public_key=self.jwt_public_key or None,
            )
        if mode == "oauth":
            if not (self.client_id and self.client_secret and self.oauth_access_token):
                raise ValueError(self.env._(
                    "OAuth needs the client id, the client secret and an access token."
                ))
            return so_api.OAuthAuth(
                client_id=self.client_id.strip(),
                client_secret=self.client_secret.strip(),
                access_token=self.oauth_access_token,
                refresh_token=self.oauth_refresh_token or None,
                expires_at=self.oauth_expires_at or None,
                on_tokens=self._oauth_tokens_callback(),
            )
        if mode == "onsite_basic":
            if not (self.onsite_username and self.onsite_password):
                raise ValueError(self.env._(
                    "On-site authentication needs a user name and a password."
                ))
            return so_api.OnsiteAuth(username=self.onsite_username, password=self.onsite_password)
        if not self.ticket:
            raise ValueError(self.env._("Ticket authentication needs a ticket."))
        return so_api.TicketAuth(ticket=self.ticket, app_token=self.client_secret or None)

    def _oauth_tokens_callback(self):
        """Store refreshed OAuth tokens in a separate transaction (the caller's may roll back)."""
        dbname, connection_id = self.env.cr.dbname, self.id
        registry = self.env.registry

        def store(tokens):
            values = {"oauth_access_token": tokens.get("access_token")}
            if tokens.get("refresh_token"):
                values["oauth_refresh_token"] = tokens["refresh_token"]
            if tokens.get("expires_in"):
                values["oauth_expires_at"] = time.time() + float(tokens["expires_in"])
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    env["superoffice.connection"].browse(connection_id).write(values)
            except Exception:  # noqa: BLE001 - a lost token only costs one more refresh
                _logger.exception("Could not store refreshed SuperOffice tokens (%s)", dbname)

        return store

    def _user_message(self, exc):
        """A translated sentence for an exception of the client (or a configuration error)."""
        detail = str(exc)
        _ = self.env._
        if isinstance(exc, ValueError):
            return _("The connection is not configured correctly: %(detail)s", detail=detail)
        if isinstance(exc, so_exc.AuthenticationError):
            return _(
                "SuperOffice refused the credentials of the connection. Check them with "
                "Test connection. (%(detail)s)", detail=detail,
            )
        if isinstance(exc, so_exc.ForbiddenError):
            return _(
                "The SuperOffice user of this connection is not allowed to do this. (%(detail)s)",
                detail=detail,
            )
        if isinstance(exc, so_exc.NotFoundError):
            return _("The record no longer exists in SuperOffice. (%(detail)s)", detail=detail)
        if isinstance(exc, so_exc.ConflictError):
            return _(
                "The record was changed in SuperOffice in the meantime; try again. (%(detail)s)",
                detail=detail,
            )
        if isinstance(exc, so_exc.RateLimitedError):
            return _("SuperOffice is receiving too many requests; try again in a moment.")
        if isinstance(exc, so_exc.ServerError):
            return _("SuperOffice had an internal error; try again later. (%(detail)s)",
                     detail=detail)
        if isinstance(exc, so_exc.ValidationError):
            return _("SuperOffice refused the values: %(detail)s", detail=detail)
        if isinstance(exc, so_exc.TenantNotRunningError):
            return _(
                "The SuperOffice tenant is not available right now (state: %(state)s).",
                state=exc.state or "?",
            )
        if isinstance(exc, so_exc.TransportError):
            return _("SuperOffice could not be reached: %(detail)s", detail=detail)
        if isinstance(exc, so_exc.MalformedResponseError):
            return _("SuperOffice answered something unexpected: %(detail)s", detail=detail)
        return _("SuperOffice error: %(detail)s", detail=detail)

    def _raise_user_error(self, exc):
        """Raise the translated :class:`UserError` for a client exception (wizards, buttons)."""
        raise UserError(self._user_message(exc)) from exc

    def _mapping(self, entity_type):
        """The active field mapping of ``entity_type`` as a tuple of sync ``FieldMap``."""
        return self.env["superoffice.field.mapping"]._field_maps(entity_type)

    def _lookups(self, fresh=False):
        """Id lookups of the values written to SuperOffice (``sync.transforms.Lookups``): list
        values (category, business, project status and type) by name in SuperOffice's own
        lists, shared by every process of the connection and read again when a name is
        missing and the copy is older than ``api.shared.REREAD_AFTER``
        (``api.lists.ListItems``). Owners (a company's salesperson, a project's manager) pair
        SuperOffice's users (kept the same way) with the internal users of the connection's
        company, by e-mail address, else by full name, only when each side has one match
        (``api.associates.OwnerLookup``; the Odoo users are read once per lookup). Countries
        go by their ISO code. A sync run builds one for all its records
        (``superoffice.sync.service._lookups``). ``fresh`` (a person's own action: Sync now,
        Pull now, Push now, a wizard): a name missing from a copy makes it be read again once,
        whatever its age, so that a user or value just added in SuperOffice is found at once."""
        self.ensure_one()
        client = self._get_client()
        owners = OwnerLookup(Associates(client, fresh=fresh), self._owner_candidates)
        return transforms.Lookups(associates=owners.owner_key, associate_ids=owners.associate_id,
                                  lists=ListItems(client, fresh=fresh))

    def _owner_candidates(self):
        """The Odoo users an owner from SuperOffice may be: the active internal users allowed
        in the connection's company, as ``(key, e-mail, full name)`` (the key is the owner
        value Odoo reads for the user: its e-mail address, else its login, lower case)."""
        self.ensure_one()
        users = self.env["res.users"].sudo().search([
            ("share", "=", False), ("company_ids", "in", self.company_id.ids),
        ])
        return [((user.email or user.login or "").strip().lower(), (user.email or "").strip(),
                 user.name or "") for user in users]

    def _web_url(self, entity_type, so_id):
        """URL of a record in SuperOffice's web client."""
        self.ensure_one()
        if not so_id:
            return False
        param = {"company": "contact_id", "person": "person_id", "project": "project_id"}[
            entity_type
        ]
        if self.environment == "onsite":
            root = (self.base_url or "").rstrip("/")
            for suffix in ("/v1", "/api"):
                root = root.removesuffix(suffix)
            return f"{root}/default.aspx?{param}={so_id}"
        root = (self.base_url or f"https://{self.environment}.superoffice.com").rstrip("/")
        return f"{root}/{self.tenant}/default.aspx?{param}={so_id}"

