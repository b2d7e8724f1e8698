"""18.0.1.3.0: a retention clock starts on the day its event happened as the record keeps it (a record's
effective date when it is filed or approved, the next revision's when it is superseded), no longer on the
day the event was seen. Clocks already running move to that day, with their retention end, through the
workflow so that each record's trail says why. Disposed records keep theirs; records whose model keeps no
date of the event, or whose clock was started on a known day (an employee's departure), are not touched.
A clock moved back can make a record due: the next collection puts it in a batch, approved as any other."""

from odoo import SUPERUSER_ID, api
from odoo.addons.iso_records.tools import workflow
from odoo.tools import split_every

CHUNK_SIZE = 1000


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    reason = "Upgrade 18.0.1.3.0: the retention clock starts on the day its event happened"
    for model_name in env["iso.controlled.mixin"]._iso_controlled_model_names():
        model = env[model_name].with_context(active_test=False)
        running = model.search(
            [
                ("retention_start_date", "!=", False),
                ("retention_policy_id", "!=", False),
                ("disposed_date", "=", False),
            ],
            order="id",
        )
        for ids in split_every(CHUNK_SIZE, running.ids):
            moves = {}
            for record in model.browse(ids):
                policy = record.retention_policy_id
                day = record._iso_retention_event_date(policy.start_event)
                if day and day != record.retention_start_date:
                    moves.setdefault((policy, day), []).append(record.id)
            for (policy, day), record_ids in moves.items():
                workflow(model.browse(record_ids), reason).write(
                    {"retention_start_date": day, "retention_until": policy._retention_until(day)}
                )
            env.invalidate_all()
