from . import test_stappenplan
