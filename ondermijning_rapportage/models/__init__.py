from . import ondermijning_register
from . import ondermijning_register_importer
