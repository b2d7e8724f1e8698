from odoo import api, models
from odoo.exceptions import AccessError

from ..tools import linked_ids


class IsoTargetWizardMixin(models.AbstractModel):
    """Dialogs whose target records the caller names (signature, training evaluation, hold release...).

    The caller must be allowed to read every record they put in the dialog, and what the dialog shows
    of it is read with the caller's own rights: an id typed into a dialog is no way into a record."""

    _name = "iso.target.wizard.mixin"
    _description = "ISO Dialog on Records the Caller Names"

    @api.model
    def _iso_check_targets(self, vals):
        if self.env.su:
            return
        targets = {}
        for name, value in vals.items():
            field = self._fields.get(name)
            if not field or not value:
                continue
            if field.type == "many2one":
                targets.setdefault(field.comodel_name, set()).add(value)
            elif field.type == "many2many":
                targets.setdefault(field.comodel_name, set()).update(linked_ids(value))
            elif field.type == "many2one_reference" and vals.get(field.model_field):
                targets.setdefault(vals[field.model_field], set()).add(value)
        for model_name, ids in targets.items():
            if model_name not in self.env:
                raise AccessError(self.env._("%(model)s: no such kind of record.", model=model_name))
            if not all(isinstance(record_id, int) for record_id in ids):
                raise AccessError(self.env._("%(model)s: record ids must be numbers.", model=model_name))
            records = self.env[model_name].browse(ids)
            if len(records.exists()) != len(records):
                raise AccessError(self.env._("%(model)s: one of the records does not exist.", model=model_name))
            records.check_access("read")

    @api.model_create_multi
    def create(self, vals_list):
        # Defaults from the context fill the dialog too: they are checked like the values given.
        context_defaults = {key[8:]: value for key, value in self.env.context.items() if key.startswith("default_")}
        for vals in vals_list:
            self._iso_check_targets({**context_defaults, **vals})
        return super().create(vals_list)

    def write(self, vals):
        self._iso_check_targets(vals)
        return super().write(vals)
