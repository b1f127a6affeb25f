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
    "depends": ["base", "mail", "auth_totp"],
    "external_dependencies": {"python": ["cryptography"]},
    "data": [
        "security/ondermijning_security.xml",
        "security/ir.model.access.csv",
        "views/ondermijning_menus.xml",
    ],
    "demo": [],
}
