"""The repository holds three installable Odoo 18.0 addons laid out as Odoo core and the
OCA lay out theirs (manifest keys, one model per file under models/, readme/ fragments,
security files): https://github.com/OCA/odoo-community.org/blob/master/website/Contribution/CONTRIBUTING.rst
"""

import ast
import re

import pytest

ADDONS = ("quality_traceability", "label_printing", "recall_management")


def manifest(project_dir, addon):
    return ast.literal_eval((project_dir / addon / "__manifest__.py").read_text())


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(project_dir, addon):
    data = manifest(project_dir, addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert data["installable"] is True
    assert "description" not in data
    for key in ("data", "demo"):
        for path in data.get(key, []):
            assert (project_dir / addon / path).is_file(), path
    assert (project_dir / addon / "README.rst").is_file()
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONTRIBUTORS.md"):
        assert (project_dir / addon / "readme" / fragment).is_file()
    assert (project_dir / addon / "i18n" / f"{addon}.pot").is_file()
    assert (project_dir / addon / "i18n" / "zh_CN.po").is_file()


def test_dependencies(project_dir):
    core = manifest(project_dir, "quality_traceability")["depends"]
    assert set(core) >= {
        "stock",
        "mrp",
        "purchase_stock",
        "sale_stock",
        "product_expiry",
        "barcodes_gs1_nomenclature",
        "portal",
        "mail",
    }
    for addon in ("label_printing", "recall_management"):
        assert "quality_traceability" in manifest(project_dir, addon)["depends"]


def test_security_files_first(project_dir):
    for addon in ADDONS:
        data = manifest(project_dir, addon)["data"]
        if data:
            assert data[0].startswith("security/"), addon


def test_tools_import_no_odoo(project_dir):
    for path in (project_dir / "quality_traceability" / "tools").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                module = getattr(node, "module", None) or ""
                assert not module.startswith("odoo"), path
                assert not any(name.startswith("odoo") for name in names), path


@pytest.mark.parametrize("addon", ADDONS)
def test_runtime_code_imports_no_tests(project_dir, addon):
    """models/, controllers/, report/, wizard/ and tools/ hold what a production
    database runs: nothing there reaches into the tests, their fixtures or the
    benchmarks (those live in each addon's tests/ and in tests/bench/)."""
    for folder in ("models", "controllers", "report", "wizard", "tools"):
        for path in (project_dir / addon / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom):
                    module = ("." * node.level) + (node.module or "")
                    assert ".tests" not in module and "bench" not in module, path


@pytest.mark.parametrize("addon", ADDONS)
def test_demo_runs_standard_flows(project_dir, addon):
    """Demo data is records and calls of the buttons a user presses, as in Odoo's
    own mrp demo: no <function> calls a private method (a generator behind the
    flows)."""
    for path in (project_dir / addon / "demo").glob("*.xml"):
        text = path.read_text()
        calls = re.findall(r'<function\s+model="([^"]+)"\s+name="([^"]+)"', text)
        for model, method in calls:
            assert not method.startswith("_"), (path, model, method)
