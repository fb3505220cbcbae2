"""A local SuperOffice CRM WebAPI simulator for tests, demos and benchmarks.

    from superoffice_sim import SimServer
    with SimServer(tenant="Cust12345", seed_companies=20) as sim:
        print(sim.api_base)
"""

from .auth import sign_system_token
from .server import SimServer

__all__ = ["SimServer", "sign_system_token"]
