from . import mail_attachment
