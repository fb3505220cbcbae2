"""1.1.0: contacts and projects that an older version's first pull created without a company get
the company of the connection that links them (``hooks.give_company_to_linked_records``); the
project start-date mapping row moves from ``CreatedDate`` to ``StartDate`` both ways when an
administrator never changed it (``hooks.move_project_start_date_to_startdate``)."""

from odoo import SUPERUSER_ID, api

from odoo.addons.superoffice_connector.hooks import (
    give_company_to_linked_records,
    move_project_start_date_to_startdate,
)


def migrate(cr, version):
    if not version:  # a new install: nothing older to set right
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    give_company_to_linked_records(env)
    move_project_start_date_to_startdate(env)
