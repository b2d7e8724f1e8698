from . import iso_standard
from . import iso_clause
