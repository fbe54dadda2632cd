# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Recall Management",
    "summary": "Recalls and mock drills scoped from the lot genealogy",
    "version": "18.0.1.0.0",
    "category": "Inventory/Traceability",
    "website": "https://github.com/traceability-project/odoo-traceability",
    "author": "Traceability Project",
    "license": "LGPL-3",
    "depends": ["quality_traceability"],
    "data": [
        "security/recall_management_security.xml",
    ],
    "installable": True,
}
