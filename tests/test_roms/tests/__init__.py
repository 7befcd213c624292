from . import test_access
from . import test_demo_shop
from . import test_extremes
from . import test_repeat_loop
from . import test_deployment
from . import test_read_replica
from . import test_order_api_parallel
from . import test_cluster_fake
