from . import test_install
from . import test_workbooks
from . import test_register_export
from . import test_statistiek
from . import test_year_table
from . import test_import
from . import test_purge
from . import test_controller
