from . import iso_target_wizard_mixin
from . import iso_password_confirmation
from . import iso_signature_wizard
from . import iso_legal_hold_release_wizard
from . import iso_disposal_approval_wizard
from . import iso_training_evaluation_wizard
from . import iso_linked_evidence_wizard
