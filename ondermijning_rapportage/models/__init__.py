from . import ondermijning_register
from . import ondermijning_register_importer
from . import spreadsheet_dashboard_share
from . import ondermijning_rapportage_job
