from . import iso_audit_report
