from . import test_access
from . import test_customer_import
from . import test_customer_stats
from . import test_i18n
from . import test_phone
from . import test_ui
from . import test_regions
from . import test_reseller
