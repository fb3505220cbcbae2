# ruff: noqa: I001 - order matters: a model is registered before the models inheriting it.
from . import superoffice_field_mapping
from . import superoffice_connection
from . import superoffice_link
from . import superoffice_sync_mixin
from . import res_partner
from . import project_project
from . import res_config_settings
