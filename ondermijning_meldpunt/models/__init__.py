from . import ondermijning_meldpunt
from . import ondermijning_meldpunt_partner
from . import ondermijning_melding
from . import ondermijning_signaal
from . import ondermijning_mma_alert
from . import ondermijning_audit_log
from . import mail_thread
