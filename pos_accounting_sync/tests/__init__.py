from . import test_engine
from . import test_security
from . import test_tour
from . import test_pos_session_sync
from . import test_pos_customer_account
from . import test_pos_sync_modes
from . import test_product_validation
from . import test_i18n
