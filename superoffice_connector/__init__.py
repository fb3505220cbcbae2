# The pure packages `api` and `sync` are also imported outside Odoo (tests, simulator tools),
# as `superoffice_connector.api`; the ORM layer is loaded only when Odoo imports the addon.
if __name__.startswith("odoo.addons."):
    from . import controllers, models, wizards
    from .hooks import post_init_hook, uninstall_hook
