"""Plain-Python tests: no Odoo. Addon helpers are loaded by file path so that the
addon packages (which import odoo) are never imported."""

import importlib.util
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "tests" / "bench"))


def load_module(relative_path):
    path = PROJECT_DIR / relative_path
    name = "plain_" + "_".join(path.with_suffix("").parts[-3:])
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_tools_module(module):
    """``quality_traceability/tools/<module>.py`` loaded with its package (for
    its relative imports), by path: the addon's own package imports odoo."""
    name = "plain_qt_tools"
    if name not in sys.modules:
        tools = PROJECT_DIR / "quality_traceability" / "tools"
        spec = importlib.util.spec_from_file_location(
            name, tools / "__init__.py", submodule_search_locations=[str(tools)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{name}.{module}")


@pytest.fixture(scope="session")
def project_dir():
    return PROJECT_DIR
