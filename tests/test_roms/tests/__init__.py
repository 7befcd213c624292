from . import test_access
from . import test_demo_shop
