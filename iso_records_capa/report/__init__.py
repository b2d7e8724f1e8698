from . import iso_nonconformity_report
