import logging

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Nothing to migrate on a fresh install; kept as the single place for install-time steps."""
    _logger.info("SuperOffice Connector installed in database %s", env.cr.dbname)


def uninstall_hook(env):
    """Remove the system parameters the connector wrote, so an uninstall leaves nothing behind."""
    env["ir.config_parameter"].sudo().search([("key", "=like", "superoffice_connector.%")]).unlink()


def give_company_to_linked_records(env):
    """Give the connection's company to the contacts and projects the connector created without
    one; return how many records it changed.

    Before company walls (CHANGELOG, 19.0.1.0.0), the pull and Create in Odoo created contacts
    of no company, which every company's users could then read and edit while their links
    belonged to one company. A record the connector created is told by its creation date: the
    same instant as its link's, as both were created in one transaction. A record a user linked
    (created before its link) keeps "no company", which is a choice a person made; so does a
    record linked through connections of several companies, and any record that has a company.
    Odoo gives a company's company to its contacts, as on any change of it.
    """
    links = env["superoffice.link"].sudo().with_context(active_test=False).search(
        [("company_id", "!=", False)]
    )
    changed = 0
    for field in ("partner_id", "project_id"):
        companies = {}
        for link in links.filtered(field):
            companies.setdefault(link[field], set()).add(link.company_id)
        created = {
            link[field] for link in links.filtered(field)
            if link[field].create_date == link.create_date
        }  # fmt: skip
        by_company = {}
        for record, found in companies.items():
            if len(found) == 1 and record in created and not record.company_id:
                by_company.setdefault(found.pop(), []).append(record.id)
        for company, ids in by_company.items():
            records = links[field].browse(ids).with_context(active_test=False)
            records.filtered(lambda record: not record.company_id).write({"company_id": company.id})
            changed += len(records)
            _logger.info("%s %s created without a company now belong to %s",
                         len(records), records._name, company.name)  # fmt: skip
    return changed


# The project start-date mapping row as 1.0.x shipped it, and as 1.1.0 ships it. The mapping
# rows are ``noupdate`` data: an upgrade keeps the row a database already has.
START_DATE_XMLID = "superoffice_connector.superoffice_field_mapping_project_date_start"
START_DATE_SHIPPED_1_0 = {
    "odoo_field": "date_start", "so_field": "CreatedDate", "direction": "to_odoo",
    "transform": "date", "active": True,
}  # fmt: skip
START_DATE_SHIPPED_1_1 = {"so_field": "StartDate", "direction": "both"}


def move_project_start_date_to_startdate(env):
    """Move the project start-date mapping row from SuperOffice's ``CreatedDate`` (SuperOffice to
    Odoo) to ``StartDate`` (both ways), as 1.1.0 ships it, when the row still holds exactly what
    1.0.x shipped; return whether it moved.

    What decides the synchronization (Odoo field, SuperOffice field, direction, transform,
    active) must be the shipped value: a row an administrator changed in any of these is their
    choice and is left as it is (logged). Its label, order and visibility do not decide what
    is synchronized and are kept as they are either way. A deleted row stays deleted.
    """
    line = env.ref(START_DATE_XMLID, raise_if_not_found=False)
    if not line:
        _logger.info("Project start date mapping: the shipped row was deleted; nothing moved")
        return False
    line = line.with_context(active_test=False).sudo()
    current = {name: line[name] for name in START_DATE_SHIPPED_1_0}
    if current == START_DATE_SHIPPED_1_0 | START_DATE_SHIPPED_1_1:
        return False  # already as 1.1.0 ships it
    if current != START_DATE_SHIPPED_1_0:
        _logger.warning(
            "Project start date mapping left as the administrator set it (%s); 1.1.0 maps the "
            "start date to SuperOffice's StartDate both ways: change it under Field Mappings "
            "if wanted", ", ".join(f"{name}={value}" for name, value in current.items()))
        return False
    line.write(START_DATE_SHIPPED_1_1)
    _logger.info("Project start date mapping moved from CreatedDate (SuperOffice to Odoo) to "
                 "StartDate (both ways)")
    return True
