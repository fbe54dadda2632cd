# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Recall Management",
    "summary": "Recalls and mock drills scoped from the lot genealogy",
    "version": "18.0.1.1.0",
    "category": "Inventory/Traceability",
    "website": "https://github.com/traceability-project/odoo-traceability",
    "author": "Traceability Project",
    "license": "LGPL-3",
    "depends": ["quality_traceability", "sale_stock", "portal", "mail"],
    "data": [
        "security/recall_management_security.xml",
        "security/ir.model.access.csv",
        "data/recall_data.xml",
        "data/mail_template_data.xml",
        "report/recall_report.xml",
        "views/recall_recall_views.xml",
        "views/traceability_exposure_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
        "views/stock_quant_package_recall_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "recall_management/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
