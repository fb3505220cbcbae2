# ruff: noqa: I001 - one line per controller, so parallel additions do not conflict.
from . import webhook
from . import erp_connector
