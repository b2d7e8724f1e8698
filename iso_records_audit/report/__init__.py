from . import iso_audit_report
from . import iso_management_review_report
