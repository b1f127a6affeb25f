# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Ondermijning meldpunt",
    "summary": "Meldpunt voor burgers en partners: openbaar meldformulier per "
    "gemeente, ontvangstcode met statuspagina, e-mail-intake, anoniem",
    "version": "18.0.1.0.0",
    "category": "Services/Ondermijning",
    "website": "https://github.com/ondermijning/ondermijning-odoo",
    "author": "Ondermijning Odoo contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["ondermijning_signalen"],
    "external_dependencies": {"python": ["passlib", "Pillow"]},
    "assets": {
        "web.assets_tests": [
            "ondermijning_meldpunt/static/tests/tours/**/*",
        ],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/ondermijning_meldpunt_security.xml",
        "data/ondermijning_meldpunt_data.xml",
        "views/meldpunt_templates.xml",
        "views/ondermijning_meldpunt_views.xml",
        "views/ondermijning_mma_alert_views.xml",
        "views/ondermijning_signaal_views.xml",
        "views/ondermijning_meldpunt_menus.xml",
    ],
    "demo": [
        "demo/ondermijning_meldpunt_demo.xml",
    ],
}
