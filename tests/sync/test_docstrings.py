"""The runnable examples in the sync modules' docstrings (the API documentation points to them)."""

import doctest
import importlib

import pytest

MODULES = ["canonical", "compare", "mapping", "merge", "names", "plan", "transforms"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"superoffice_connector.sync.{name}")
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted and not failed
