from . import test_i18n
from . import test_earning
from . import test_reversal
from . import test_redemption
from . import test_ledger_property
from . import test_backfill
from . import test_concurrency
from . import test_portal
