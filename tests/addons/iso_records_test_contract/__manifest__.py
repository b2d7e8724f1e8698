{
    "name": "ISO Records: Controlled-Record Contract Test",
    "summary": "Test only: a minimal controlled model that runs the whole iso.controlled.mixin contract",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "ISO Records for Odoo",
    "website": "https://github.com/iso-records/iso-records-odoo",
    "license": "LGPL-3",
    "depends": ["iso_records"],
    "data": [
        "security/ir.model.access.csv",
        "security/iso_test_controlled_security.xml",
        "views/iso_test_controlled_views.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_sequence_data.xml",
    ],
    "installable": True,
    "application": False,
}
