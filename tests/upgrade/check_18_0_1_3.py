"""Check a database upgraded from 18.0.1.2.0 (filled by fill_18_0_1_2.py): every open activity goes to
someone who can act on it, each document in review has one approval request, and the shipped record
types know where they are suggested. Prints PASS/FAIL lines, exits 1 on any failure.

    ISO_UPGRADE_SNAPSHOT=/tmp/snapshot.json python odoo-bin shell -c CONF -d DB --no-http < check_18_0_1_3.py
"""

import json
import os
import sys

env = env  # noqa: F821, PLW0127 - given by odoo-bin shell
with open(os.environ["ISO_UPGRADE_SNAPSHOT"], encoding="utf-8") as snapshot:
    filled = json.load(snapshot)
failures = []


def check(label, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} {label}{': ' + detail if detail and not ok else ''}")
    if not ok:
        failures.append(label)


approval = env.ref("iso_records.mail_activity_type_iso_approval")
for record in env["iso.record"].search([("state", "=", "in_review")]):
    requests = record.activity_ids.filtered(lambda activity, kind=approval: activity.activity_type_id == kind)
    check(f"{record.display_name}: one approval request", len(requests) == 1, f"{requests.user_id.mapped('name')}")
    for request in requests:
        check(
            f"{record.display_name}: asked {request.user_id.name}, who may approve",
            record._iso_may_sign("approve", request.user_id),
        )
author = env["res.users"].browse(filled["author"])
for record in env["iso.record"].browse(filled["records"]):
    check(f"{record.display_name}: no longer asks its author", author not in record.activity_ids.user_id)
bot = env.ref("base.user_root")
for name in env["iso.controlled.mixin"]._iso_controlled_model_names():
    model = env[name]
    if not isinstance(model, env.registry["iso.review.mixin"]):
        continue
    kind = env.ref(model._iso_review_activity)
    activities = env["mail.activity"].search([("res_model", "=", name), ("activity_type_id", "=", kind.id)])
    for activity in activities:
        record = model.browse(activity.res_id)
        check(
            f"{record.display_name}: review asked of {activity.user_id.name}, who may review",
            activity.user_id != bot and record.with_user(activity.user_id)._iso_may_review(),
        )
risk = env["iso.risk"].browse(filled["risk"])
check("the risk's review left the system bot", bot not in risk.activity_ids.user_id)
for xmlid, model in (
    ("iso_records.record_type_training_record", "hr.employee"),
    ("iso_records.record_type_calibration_certificate", "product.product"),
    ("iso_records.record_type_supplier_evaluation", "res.partner"),
):
    check(f"{xmlid} suggested from {model}", model in env.ref(xmlid).suggested_model_ids.mapped("model"))
sys.exit(1 if failures else 0)
