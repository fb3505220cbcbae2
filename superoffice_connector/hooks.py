import logging

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """Nothing to migrate on a fresh install; kept as the single place for install-time steps."""
    _logger.info("SuperOffice Connector installed in database %s", env.cr.dbname)


def uninstall_hook(env):
    """Remove the system parameters the connector wrote, so an uninstall leaves nothing behind."""
    env["ir.config_parameter"].sudo().search([("key", "=like", "superoffice_connector.%")]).unlink()
