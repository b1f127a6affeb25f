from . import test_stappenplan
from . import test_encryption
