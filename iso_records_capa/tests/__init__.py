from . import test_scar_workflow
from . import test_scar_reminders
from . import test_portal_access
from . import test_ui_portal
from . import test_action_sync
from . import test_action_kinds
from . import test_action_escalation
from . import test_ui_action
