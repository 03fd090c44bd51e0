from . import test_engine
from . import test_security
from . import test_tour
