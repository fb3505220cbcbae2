# The two commands of the README's Quick start.
.PHONY: demo test

demo:  ## the product on its embedded default: simulator + Odoo (ODOO_SERIES=19.0|18.0) with the addon
	@bash scripts/demo.sh

test:  ## ruff, pylint-odoo, static checks, the pure suite, then the Odoo suite (ODOO_SERIES="18.0 19.0")
	@bash scripts/test.sh
