"""Fill a database of release 18.0.1.2.0 (iso_records with demo data) with the activities that release
gave to people who cannot act on them, commit, and write a JSON snapshot.

    ISO_UPGRADE_SNAPSHOT=/tmp/snapshot.json python odoo-bin shell -c CONF -d DB --no-http < fill_18_0_1_2.py

- a procedure in review whose approval request went to its author (an ISO user without the right to
  approve), and one with two open approval requests;
- a risk whose review activity went to the system bot.
"""

import json
import os

SNAPSHOT_ENV = "ISO_UPGRADE_SNAPSHOT"
APPROVAL = "iso_records.mail_activity_type_iso_approval"

env = env  # noqa: F821, PLW0127 - given by odoo-bin shell
author = env.ref("iso_records.user_iso_user")
approval = env.ref(APPROVAL)
procedure_type = env.ref("iso_records.record_type_procedure")
records = (
    env["iso.record"]
    .with_user(author)
    .create(
        [
            {"title": "Upgrade: asked its author", "record_type_id": procedure_type.id, "body": "<p>a</p>"},
            {"title": "Upgrade: asked twice", "record_type_id": procedure_type.id, "body": "<p>b</p>"},
        ]
    )
)
records.action_submit()
for record, users in zip(records, (author, author | env.ref("base.user_demo")), strict=True):
    record.sudo().activity_ids.unlink()
    for user in users:
        record.sudo().activity_schedule(activity_type_id=approval.id, user_id=user.id, summary="old request")
risk = env["iso.risk"].search([], limit=1)
risk.sudo().activity_schedule(
    "iso_records.mail_activity_type_iso_risk_review", user_id=env.ref("base.user_root").id, summary="old review"
)
env.cr.commit()
with open(os.environ[SNAPSHOT_ENV], "w", encoding="utf-8") as snapshot:
    json.dump({"records": records.ids, "risk": risk.id, "author": author.id}, snapshot)
print(f"filled: records {records.ids}, risk {risk.id}")
