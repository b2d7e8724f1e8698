from . import iso_nonconformity
from . import iso_capa
from . import iso_capa_why
from . import iso_capa_cause
from . import iso_capa_action
from . import iso_capa_verification
from . import iso_supplier_request
from . import res_config_settings
