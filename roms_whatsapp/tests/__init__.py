from . import test_i18n
from . import test_webhook
from . import test_providers
from . import test_account
