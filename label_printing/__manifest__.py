# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Traceability Label Printing",
    "summary": "Lot, serial, box and pallet labels with GS1 barcodes as PDF and ZPL",
    "version": "18.0.1.0.0",
    "category": "Inventory/Traceability",
    "website": "https://github.com/traceability-project/odoo-traceability",
    "author": "Traceability Project",
    "license": "LGPL-3",
    "depends": ["quality_traceability"],
    "external_dependencies": {"python": ["python-barcode"]},
    "data": [
        "security/label_printing_security.xml",
        "security/ir.model.access.csv",
        "data/label_printing_data.xml",
        "report/label_report_templates.xml",
        "wizard/label_print_wizard_views.xml",
        "views/label_template_views.xml",
        "views/stock_quant_package_views.xml",
        "views/stock_lot_views.xml",
        "views/mrp_production_views.xml",
        "views/stock_picking_views.xml",
        "views/mrp_workcenter_views.xml",
        "views/stock_picking_type_views.xml",
        "views/res_users_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "label_printing/static/src/scanner/*",
        ],
        "web.assets_tests": [
            "label_printing/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
