from . import ondermijning_register
