from . import test_contract
from . import test_action_lines
from . import test_signed_hash
from . import test_schedule_once_send
from . import test_action_escalation
from . import test_sequence
