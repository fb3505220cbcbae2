# ruff: noqa: I001 - one line per test module, so parallel additions do not conflict.
from . import test_install
from . import test_connection
from . import test_link
from . import test_mapping
from . import test_dirty_tracking
from . import test_partner_tab
from . import test_security
from . import test_connect_wizard
from . import test_create_wizard
from . import test_import_wizard
from . import test_disconnect
from . import test_tour
