from . import test_audit_programme
from . import test_audit_checklist
from . import test_audit_reminders
from . import test_audit_findings_repeat
from . import test_audit_workflow
from . import test_audit_report
from . import test_ui_audit
