from . import test_i18n
from . import test_livechat_receive
from . import test_livechat_assign
from . import test_livechat_concurrency
from . import test_livechat_tour
