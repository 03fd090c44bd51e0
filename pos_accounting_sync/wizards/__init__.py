from . import product_validation
from . import accounting_payout_import
from . import accounting_dry_run
from . import accounting_customer_receivable
from . import accounting_master_resend
