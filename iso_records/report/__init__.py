from . import iso_report_mixin
from . import iso_record_trail_report
from . import iso_disposal_certificate_report
