from . import ondermijning_statistiek
from . import ondermijning_register
