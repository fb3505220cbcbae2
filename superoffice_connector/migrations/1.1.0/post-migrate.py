"""1.1.0: contacts and projects that an older version's first pull created without a company get
the company of the connection that links them (``hooks.give_company_to_linked_records``)."""

from odoo import SUPERUSER_ID, api

from odoo.addons.superoffice_connector.hooks import give_company_to_linked_records


def migrate(cr, version):
    if not version:  # a new install: nothing older to set right
        return
    give_company_to_linked_records(api.Environment(cr, SUPERUSER_ID, {}))
