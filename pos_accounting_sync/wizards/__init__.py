from . import product_validation
from . import accounting_payout_import
