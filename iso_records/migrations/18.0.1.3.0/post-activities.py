"""18.0.1.3.0: activities go only to people who can act on them, and record types know where they are
suggested. Open approval requests are given again by the contract's rule (one per document in review, to
an ISO manager who did not write it); open review activities of people who cannot review the record go to
its responsible user; the shipped types get their filing suggestions (their data is install-only)."""

from odoo import SUPERUSER_ID, api

SUGGESTIONS = {
    "iso_records.record_type_training_record": ["hr.employee"],
    "iso_records.record_type_inspection_report": ["hr.employee", "product.product"],
    "iso_records.record_type_calibration_certificate": ["product.product"],
    "iso_records.record_type_maintenance_record": ["product.product"],
    "iso_records.record_type_supplier_evaluation": ["res.partner"],
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, models in SUGGESTIONS.items():
        record_type = env.ref(xmlid, raise_if_not_found=False)
        if record_type and not record_type.suggested_model_ids:
            record_type.suggested_model_ids = env["ir.model"].search([("model", "in", models)])
    in_review = env["iso.record"].search([("state", "=", "in_review")])
    for record in in_review:
        record._iso_request_signature("approve", env._("Approve %s", record.display_name))
    review_models = [
        name
        for name in env["iso.controlled.mixin"]._iso_controlled_model_names()
        if isinstance(env[name], env.registry["iso.review.mixin"])
    ]
    for name in review_models:
        activity_type = env.ref(env[name]._iso_review_activity)
        activities = env["mail.activity"].search(
            [("res_model", "=", name), ("activity_type_id", "=", activity_type.id)]
        )
        for activity in activities:
            record = env[name].browse(activity.res_id)
            responsible = record._iso_responsible_user()
            unable = activity.user_id.id == SUPERUSER_ID or not record.with_user(activity.user_id)._iso_may_review()
            if responsible and unable:
                activity.user_id = responsible[0]
