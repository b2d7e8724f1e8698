from . import iso_nonconformity_report
from . import iso_capa_8d_report
