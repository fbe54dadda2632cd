# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Traceability Label Printing",
    "summary": "Lot, serial, box and pallet labels with GS1 barcodes " "as PDF and ZPL",
    "version": "18.0.1.0.0",
    "category": "Inventory/Traceability",
    "website": "https://github.com/traceability-project/odoo-traceability",
    "author": "Traceability Project",
    "license": "LGPL-3",
    "depends": ["quality_traceability"],
    "data": [],
    "installable": True,
}
