# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Quality Traceability",
    "summary": "Trace lots and serials upstream and downstream, "
    "key control points and lot quality state",
    "version": "18.0.1.0.0",
    "category": "Inventory/Traceability",
    "website": "https://github.com/traceability-project/odoo-traceability",
    "author": "Traceability Project",
    "license": "LGPL-3",
    "application": True,
    "depends": [
        "mail",
        "portal",
        "stock",
        "mrp",
        "purchase_stock",
        "sale_stock",
        "product_expiry",
        "barcodes_gs1_nomenclature",
    ],
    "data": [
        "security/quality_traceability_security.xml",
        "security/ir.model.access.csv",
        "views/traceability_trace_views.xml",
        "views/res_config_settings_views.xml",
        "views/product_views.xml",
        "views/traceability_lot_event_views.xml",
        "views/stock_lot_views.xml",
        "views/trace_public_templates.xml",
        "views/portal_templates.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/product_demo.xml",
        "demo/mrp_bom_demo.xml",
        "demo/traceability_factory_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "quality_traceability/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
