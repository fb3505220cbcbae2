# The two commands of the README's Quick start.
.PHONY: demo test

demo:  ## the product on its embedded default: simulator + Odoo 19 with the addon
	@bash scripts/demo.sh

test:  ## ruff, pylint-odoo, static checks, the pure suite, then the Odoo suite
	@bash scripts/test.sh
