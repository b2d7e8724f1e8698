from . import test_audit_programme
from . import test_audit_checklist
from . import test_audit_reminders
from . import test_audit_findings_repeat
