from . import test_stappenplan
from . import test_encryption
from . import test_access
from . import test_ui
from . import test_retention
from . import test_install
from . import test_performance
from . import test_access_matrix
