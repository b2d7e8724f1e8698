from . import iso_record_trail_report
