from . import product_validation
from . import accounting_dry_run
