{
    "name": "ISO Records: Audits and Management Review",
    "summary": "Risk-based audit programme, audits with checklists and graded findings, qualified and "
    "independent auditors, signed audit reports",
    "version": "18.0.1.1.0",
    "category": "Quality",
    "author": "ISO Records for Odoo",
    "website": "https://github.com/iso-records/iso-records-odoo",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["iso-records"],
    "depends": ["iso_records"],
    "data": [
        "security/ir.model.access.csv",
        "security/iso_records_audit_security.xml",
        "security/iso_audit_coverage_security.xml",
        "data/ir_sequence_data.xml",
        "data/iso_audit_qualification_data.xml",
        "views/iso_audit_checklist_template_views.xml",
        "views/iso_audit_finding_views.xml",
        "views/iso_audit_views.xml",
        "views/iso_audit_programme_views.xml",
        "views/iso_audit_programme_plan_views.xml",
        "views/iso_audit_auditor_views.xml",
        "wizard/iso_audit_auditor_suggest_wizard_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "iso_records_audit/static/src/**/*",
        ],
        "web.assets_tests": [
            "iso_records_audit/static/tests/tours/**/*",
        ],
    },
}
