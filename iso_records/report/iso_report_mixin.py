from odoo import api, fields, models
from odoo.tools import format_datetime

from ..models.iso_trail_event import READABLE_TIME_FORMAT


class IsoReportMixin(models.AbstractModel):
    """What every ISO Records PDF does: it renders with the reader's own rights (no copy of a record
    the reader may not read) and says who printed it and when, in the reader's time zone. A report
    names its model and adds its own values."""

    _name = "iso.report.mixin"
    _description = "ISO Records PDF Report"

    _iso_report_model = None

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env[self._iso_report_model].browse(docids)
        docs.check_access("read")
        time_zone = self.env.user.tz or "UTC"

        def readable_time(value):
            return format_datetime(self.env, value, tz=time_zone, dt_format=READABLE_TIME_FORMAT) if value else ""

        return {
            "doc_ids": docids,
            "doc_model": docs._name,
            "docs": docs,
            "data": data,
            "printed_by": self.env.user.name,
            "printed_at": readable_time(fields.Datetime.now()),
            "time_zone": time_zone,
            "readable_time": readable_time,
            **self._iso_report_values(docs),
        }

    def _iso_report_values(self, docs):
        """The report's own values for the template, computed once for all ``docs``."""
        return {}
