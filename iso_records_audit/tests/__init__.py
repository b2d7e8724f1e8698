from . import test_audit_programme
from . import test_audit_auditors
