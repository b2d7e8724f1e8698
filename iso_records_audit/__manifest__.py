{
    "name": "ISO Records: Audits and Management Review",
    "summary": "Internal audit programme, audits, findings and a live management review",
    "version": "18.0.1.0.0",
    "category": "Quality",
    "author": "ISO Records for Odoo",
    "website": "https://github.com/iso-records/iso-records-odoo",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["iso-records"],
    "depends": ["iso_records"],
}
