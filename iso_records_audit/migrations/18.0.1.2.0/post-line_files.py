"""18.0.1.2.0: files uploaded on a line of a controlled record (an audit's checklist line) are attached to
that line, so that their access follows it. Before, they kept the res_id 0 of an upload: only their
uploader (and administrators) could read them, whoever could read the line. Files already attached to
another record, or to a field, are left alone."""

from odoo import SUPERUSER_ID, api
from odoo.addons.iso_records.models.iso_controlled_mixin import attach_uploaded_files, attachment_fields


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    line_mixin = env.registry["iso.controlled.line.mixin"]
    for model_name in list(env.registry):
        lines = env[model_name]
        if lines._abstract or lines._transient or not isinstance(lines, line_mixin):
            continue
        names = attachment_fields(lines)
        if not names:
            continue
        unattached = [(name, "any", [("res_id", "in", [0, False])]) for name in names]
        domain = ["|"] * (len(unattached) - 1) + unattached
        attach_uploaded_files(lines.with_context(active_test=False).search(domain))
