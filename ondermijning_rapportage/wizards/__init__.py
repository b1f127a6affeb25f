from . import ondermijning_export_wizard
from . import ondermijning_register_import
