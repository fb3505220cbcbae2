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
