{
    "name": "ISO Records",
    "summary": "ISO certification records kept inside the ERP: standards, clauses, "
    "controlled documents, trail and retention",
    "version": "18.0.1.0.0",
    "category": "Quality",
    "author": "ISO Records for Odoo",
    "website": "https://github.com/iso-records/iso-records-odoo",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["iso-records"],
    "depends": ["mail", "hr", "product"],
    "data": [
        "security/iso_records_security.xml",
        "security/ir.model.access.csv",
        "data/iso_standard_data.xml",
        "data/iso.clause.csv",
        "views/iso_standard_views.xml",
        "views/iso_clause_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "iso_records/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
