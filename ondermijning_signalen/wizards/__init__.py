from . import ondermijning_unseal_wizard
from . import ondermijning_legal_hold_wizard
from . import ondermijning_melding_aanvulling
from . import ondermijning_geen_bronnen_wizard
from . import ondermijning_handout_wizard
from . import mail_activity_schedule
