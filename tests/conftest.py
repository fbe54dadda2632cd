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


@pytest.fixture(scope="session")
def project_dir():
    return PROJECT_DIR
