from . import ondermijning_workbooks
