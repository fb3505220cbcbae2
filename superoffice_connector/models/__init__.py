# ruff: noqa: I001 - order matters: a model is registered before the models inheriting it.
from . import superoffice_field_mapping
from . import superoffice_connection
from . import superoffice_link
from . import superoffice_sync_mixin
from . import superoffice_sync_mixin_values
from . import res_partner
from . import project_project
from . import res_config_settings
from . import superoffice_sync_run
from . import superoffice_sync_event
from . import superoffice_sync_cursor
from . import superoffice_sync_service
from . import superoffice_sync_engine
from . import superoffice_sync_pull
from . import superoffice_sync_push
from . import superoffice_sync_conflict
from . import superoffice_sync_webhook
