"""Everything that differs between the Odoo series this addon runs on, in one place.

The addon is one source for Odoo 18.0 and 19.0. Models, wizards, controllers and views use the
names below instead of asking which series they run on; each entry says which series it serves and
why. Adding a series (20.0) or dropping one (18.0) is a change of this module, of the per-series
group values in :func:`load_groups`, and of the README's "Odoo versions" table. The pure core
(``api/``, ``sync/``, ``erp/``) knows nothing of Odoo and never imports this module.

Usage::

    from odoo.addons.superoffice_connector import compat

    class SuperofficeLink(models.Model):
        _so_id_positive = compat.Constraint("CHECK(so_id > 0)", "The SuperOffice ID must be positive.")
        _dirty_idx = compat.Index("(connection_id) WHERE dirty")

    locked = compat.try_lock_for_update(links, limit=100)
    time_left = compat.commit_progress(env, processed, remaining=left)
"""

import contextlib
import time

from odoo import fields, models, release
from odoo.exceptions import UserError
from odoo.tools import SQL

SERIES = release.series  # "18.0", "19.0"
MAJOR = release.version_info[0]

# ---------------------------------------------------------------- constraints and indexes
# 19.0 declares table constraints and indexes as model attributes (models.Constraint,
# models.Index). 18.0 has neither: constraints go into the list _sql_constraints, indexes are
# created by the model's init(). On 18.0 the two classes below put the same declarations there,
# when Python builds the model class (__set_name__), so a model file reads the same on both.
if hasattr(models, "Constraint"):  # 19.0 and later
    Constraint = models.Constraint
    Index = models.Index
else:  # 18.0

    class Constraint:
        """An SQL table constraint, added to the class's ``_sql_constraints`` (18.0)."""

        def __init__(self, definition, message=None):
            self.definition, self.message = definition, message or ""

        def __set_name__(self, owner, name):
            declared = list(owner.__dict__.get("_sql_constraints", ()))
            declared.append((name.lstrip("_"), self.definition, self.message))
            owner._sql_constraints = declared

    class Index:
        """An SQL index ``(<expressions>) [WHERE <predicate>]``, created by ``init()`` (18.0)."""

        def __init__(self, definition):
            self.definition = definition

        def __set_name__(self, owner, name):
            indexes = dict(owner.__dict__.get("_superoffice_indexes", {}))
            indexes[name.lstrip("_")] = self.definition
            owner._superoffice_indexes = indexes
            if "init" in owner.__dict__ and not getattr(owner.init, "_superoffice_indexes", False):
                raise TypeError(f"{owner.__name__} defines init(): create its indexes there")
            owner.init = _init_with_indexes(owner)

    def _init_with_indexes(owner):
        """``init()`` of ``owner`` that also creates its ``_superoffice_indexes`` (18.0)."""

        def init(self):
            result = super(owner, self).init()
            for key, definition in owner._superoffice_indexes.items():
                self.env.cr.execute(SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s %s",
                    SQL.identifier(f"{self._table}__{key}"), SQL.identifier(self._table),
                    SQL(definition),
                ))  # fmt: skip
            return result

        init._superoffice_indexes = True
        return init


# ---------------------------------------------------------------------------- row locks
# 19.0 has BaseModel.lock_for_update() / try_lock_for_update() and odoo.exceptions.LockError;
# 18.0 has none of them, so the same SELECT ... FOR UPDATE SKIP LOCKED is written here.
try:
    from odoo.exceptions import LockError  # 19.0
except ImportError:  # 18.0

    class LockError(UserError):
        """Record(s) could not be locked (19.0's odoo.exceptions.LockError)."""


def try_lock_for_update(records, limit=None):
    """Lock what can be locked of ``records`` now, at most ``limit`` in their order, without
    waiting; return the records locked."""
    if hasattr(records, "try_lock_for_update"):  # 19.0
        return records.try_lock_for_update(limit=limit)
    ids = [id_ for id_ in records._ids if id_]
    if not ids:
        return records
    order = SQL("array_position(%s, %s)", ids, SQL.identifier(records._table, "id"))
    rows = records.env.execute_query(SQL(
        "SELECT id FROM %s WHERE id IN %s ORDER BY %s %s FOR UPDATE SKIP LOCKED",
        SQL.identifier(records._table), tuple(ids), order,
        SQL("LIMIT %s", limit) if limit is not None else SQL(),
    ))  # fmt: skip
    locked = {id_ for (id_,) in rows}
    return records.browse(id_ for id_ in records._ids if id_ in locked)


def lock_for_update(records):
    """Lock all of ``records`` without waiting; :class:`LockError` when one is held."""
    if hasattr(records, "lock_for_update"):  # 19.0
        return records.lock_for_update()
    wanted = {id_ for id_ in records._ids if id_}
    if wanted and len(try_lock_for_update(records.browse(wanted))) != len(wanted):
        raise LockError(records.env._("Cannot grab a lock on records"))
    return None


# -------------------------------------------------------------------------- field access
def has_field_access(records, field, operation):
    """Whether the user of ``records`` may ``operation`` (read, write) the ``field``: 19.0's
    BaseModel._has_field_access (which models may override); 18.0 has the field's groups only
    (Field.is_accessible)."""
    if hasattr(records, "_has_field_access"):  # 19.0
        return records._has_field_access(field, operation)
    return field.is_accessible(records.env)  # 18.0


# ------------------------------------------------------------------------- cron progress
# 19.0 gives each call of a cron job a time budget (ir_cron MIN_TIME_PER_JOB, 10 s, as
# cron_end_time in the context) and calls it again while work remains; 18.0 calls it again too
# (up to 10 times) but gives no budget, so a long first import would run in one call until
# limit_time_real_cron ends it. On 18.0 the call gets 19.0's budget, counted from the start of
# its progress record, and the run hands over as on 19.0.
CRON_CALL_SECONDS = 10


def commit_progress(env, processed=0, remaining=None):
    """Commit a batch of a cron run and report its progress; return the seconds left to this
    call of the cron job (infinite outside a cron).

    19.0: ir.cron._commit_progress does it all. 18.0: the progress is written with
    ir.cron._notify_progress (absolute counts) and the transaction committed here."""
    cron = env["ir.cron"]
    if hasattr(cron, "_commit_progress"):  # 19.0
        return cron._commit_progress(processed, remaining=remaining)
    progress = env["ir.cron.progress"].sudo().browse(env.context.get("ir_cron_progress_id"))
    if progress:
        if remaining is None:
            remaining = max(progress.remaining - processed, 0)
        cron._notify_progress(done=progress.done + processed, remaining=remaining)
    env.cr.commit()
    end = env.context.get("cron_end_time")
    if end is not None:
        return max(end - time.monotonic(), 0)
    if not progress:
        return float("inf")
    elapsed = (fields.Datetime.now() - progress.create_date).total_seconds()
    return max(CRON_CALL_SECONDS - elapsed, 0)


# ------------------------------------------------------------------------------- tests
def export_translations(env, modules, buffer, fmt="po"):
    """Odoo's translation export of ``modules`` into ``buffer``: 19.0's trans_export takes an
    environment, 18.0's a cursor."""
    from odoo.tools.translate import trans_export  # noqa: PLC0415 (tests only)

    if MAJOR >= 19:
        return trans_export(None, modules, buffer, fmt, env)
    return trans_export(None, modules, buffer, fmt, env.cr)  # 18.0


def allow_requests(case):
    """Let requests that carry no test cookie (SuperOffice's webhook calls) reach the server of
    the HttpCase ``case``: 19.0 refuses them unless HttpCase.allow_requests says so; 18.0 lets
    them in."""
    if hasattr(case, "allow_requests"):  # 19.0
        return case.allow_requests(all_requests=True)
    return contextlib.nullcontext()  # 18.0


@contextlib.contextmanager
def allow_requests_in_browser_js(case):
    """Let requests without the test cookie (SuperOffice's engine calling the ERP endpoint) reach
    the server while ``case.browser_js`` runs a page of the simulator: 19.0 lets them in with
    ``http_request_allow_all``; 18.0 refuses them only in its strict mode, which browser_js turns
    on, so the cursor check runs without it meanwhile."""
    if hasattr(case, "allow_requests"):  # 19.0
        case.http_request_allow_all = True
        try:
            yield
        finally:
            case.http_request_allow_all = False
        return
    check = case.check_test_cursor  # 18.0

    def lenient_check(operation):
        strict, case.http_request_strict_check = case.http_request_strict_check, False
        try:
            return check(operation)
        finally:
            case.http_request_strict_check = strict

    case.check_test_cursor = lenient_check
    try:
        yield
    finally:
        del case.check_test_cursor


# ------------------------------------------------------------------------ contacts' fields
# A contact's mobile number. 18.0's contacts have a "Mobile" field of their own (on the form, in
# lists and searches): the mapping pairs SuperOffice's mobile with it, so a number typed there
# reaches SuperOffice. 19.0's contacts have none: the addon's own ``superoffice_mobile`` is paired
# instead and shown on the contact form under the phone (views/res_partner_views.xml).
OWN_MOBILE = "superoffice_mobile"
PARTNER_MOBILE = "mobile" if MAJOR < 19 else OWN_MOBILE


def partner_field(name):
    """The contact field of this series for a field of the sync core's default mapping."""
    return PARTNER_MOBILE if name == OWN_MOBILE else name


# ---------------------------------------------------------------------------- user groups
# 19.0 files groups under a privilege (res.groups.privilege, res.groups.privilege_id), which a
# category holds; 18.0 has no privileges and files groups directly under the category
# (res.groups.category_id). The XML loader cannot choose a field per series, so
# security/superoffice_security.xml calls load_groups() (res.groups._superoffice_load_groups),
# which creates the privilege (19.0) and the two groups with the values of the running series,
# under the same XML ids, through Odoo's own record loader (updated, and removed on uninstall,
# like records of a data file).
# The groups of res.users and ir.ui.menu (and of views, actions): groups_id on 18.0, group_ids on
# 19.0, which renamed the field.
GROUP_FIELD = "group_ids" if MAJOR >= 19 else "groups_id"
# A group's groups implied directly or not: trans_implied_ids on 18.0, all_implied_ids on 19.0.
IMPLIED_FIELD = "all_implied_ids" if MAJOR >= 19 else "trans_implied_ids"


def group_users(group):
    """The users of ``group``, those who have it through another group included: 19.0's
    ``all_user_ids``; 18.0 writes every implied group onto the users themselves, so its
    ``users`` are all of them."""
    return group.all_user_ids if MAJOR >= 19 else group.users

GROUPS = (
    ("superoffice_connector_group_user", "User", "base.group_user",
     "Connects partners and projects to SuperOffice, runs Sync now and resolves conflicts on "
     "records the user may edit."),
    ("superoffice_connector_group_admin", "Administrator",
     "superoffice_connector.superoffice_connector_group_user",
     "Manages SuperOffice connections, credentials and field mappings."),
)  # fmt: skip


def load_groups(env, module="superoffice_connector"):
    """Create or update the addon's groups (and, on 19.0, their privilege)."""
    category = env.ref(f"{module}.module_category_superoffice")
    if "privilege_id" in env["res.groups"]._fields:  # 19.0
        privilege = env["res.groups.privilege"]._load_records([{
            "xml_id": f"{module}.superoffice_privilege",
            "values": {"name": "SuperOffice", "category_id": category.id},
        }])  # fmt: skip
        filed_under = {"privilege_id": privilege.id}
    else:  # 18.0
        filed_under = {"category_id": category.id}
    for xml_id, name, implied, comment in GROUPS:
        env["res.groups"]._load_records([{
            "xml_id": f"{module}.{xml_id}",
            "values": {"name": name, "comment": comment, "implied_ids": [(4, env.ref(implied).id)],
                       **filed_under},
        }])  # fmt: skip
