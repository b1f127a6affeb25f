# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Ondermijning signalen",
    "summary": "Signalen van ondermijning volgens het CCV-stappenplan: "
    "intake, wegingen, beslismoment, bronnen, casus en overleg",
    "version": "18.0.1.0.0",
    "category": "Services/Ondermijning",
    "website": "https://github.com/ondermijning/ondermijning-odoo",
    "author": "Ondermijning Odoo contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["base", "mail", "auth_totp_mail_enforce"],
    "external_dependencies": {"python": ["cryptography"]},
    "assets": {
        "web.assets_backend": [
            "ondermijning_signalen/static/src/**/*",
        ],
        "web.assets_tests": [
            "ondermijning_signalen/static/tests/tours/**/*",
        ],
    },
    "data": [
        "security/ondermijning_security.xml",
        "security/ir.model.access.csv",
        "data/ondermijning_data.xml",
        "data/ondermijning_retention_data.xml",
        "views/ondermijning_signaal_views.xml",
        "views/ondermijning_melding_views.xml",
        "views/ondermijning_weging_views.xml",
        "views/ondermijning_casus_views.xml",
        "views/ondermijning_overleg_views.xml",
        "views/ondermijning_notitie_views.xml",
        "views/ondermijning_config_views.xml",
        "views/ondermijning_audit_log_views.xml",
        "views/res_company_views.xml",
        "views/ondermijning_menus.xml",
        "views/ondermijning_retention_views.xml",
        "wizards/ondermijning_retention_wizard_views.xml",
        "wizards/ondermijning_melding_aanvulling_views.xml",
        "wizards/ondermijning_geen_bronnen_wizard_views.xml",
    ],
    "demo": [
        "demo/ondermijning_demo.xml",
        "demo/ondermijning_demo_signalen.xml",
        "demo/ondermijning_demo_casus.xml",
        "demo/ondermijning_demo_overleg.xml",
    ],
}
