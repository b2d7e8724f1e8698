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
    "data": [
        "security/ir.model.access.csv",
        "security/iso_records_capa_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "views/iso_nonconformity_views.xml",
        "views/iso_capa_views.xml",
        "views/iso_capa_action_views.xml",
        "views/iso_supplier_request_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
        "report/iso_nonconformity_report.xml",
        "views/res_partner_scorecard_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "iso_records_capa/static/tests/tours/**/*",
        ],
    },
}
