# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Ondermijning rapportage",
    "summary": "Statistieken, Excel-exports en -import voor ondermijningssignalen",
    "version": "18.0.1.0.0",
    "category": "Services/Ondermijning",
    "website": "https://github.com/ondermijning/ondermijning-odoo",
    "author": "Ondermijning Odoo contributors",
    "license": "LGPL-3",
    "installable": True,
    "uninstall_hook": "uninstall_hook",
    "depends": ["ondermijning_signalen", "spreadsheet_dashboard"],
    "external_dependencies": {"python": ["xlsxwriter", "openpyxl"]},
    "assets": {
        "web.assets_tests": [
            "ondermijning_rapportage/static/tests/tours/**/*",
        ],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/ondermijning_rapportage_security.xml",
        "views/ondermijning_statistiek_views.xml",
        "views/ondermijning_statistiek_interventie_views.xml",
        "views/ondermijning_statistiek_campagne_views.xml",
        "wizards/ondermijning_export_wizard_views.xml",
        "wizards/ondermijning_register_import_views.xml",
        "data/ondermijning_dashboards.xml",
        "data/ondermijning_rapportage_job_data.xml",
        "views/ondermijning_rapportage_job_views.xml",
        "views/ondermijning_rapportage_menus.xml",
    ],
}
