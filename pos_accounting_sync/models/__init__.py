from . import accounting_connection
from . import accounting_mapping
from . import accounting_sync_mixin
from . import accounting_sync_job
from . import accounting_sync_worker
from . import accounting_webhook_event
