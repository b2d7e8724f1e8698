{
    "name": "ISO Records: Nonconformities and CAPA",
    "summary": "Nonconformities, corrective and preventive actions, root cause, "
    "effectiveness checks and supplier CAPA on the portal",
    "version": "18.0.1.0.0",
    "category": "Quality",
    "author": "ISO Records for Odoo",
    "website": "https://github.com/iso-records/iso-records-odoo",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["iso-records"],
    "depends": ["iso_records_audit", "portal"],
}
