from . import (
    base_partner_merge_automatic_wizard,
    superoffice_connect_lines,
    superoffice_connect_wizard,
    superoffice_connect_wizard_search,
    superoffice_create_wizard,
    superoffice_disconnect_wizard,
    superoffice_import_wizard,
    superoffice_wizard_mixin,
)
