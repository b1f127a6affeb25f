/** @odoo-module **/

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// Test users log in with their login as password (odoo.tests.new_test_user).
function logIn(login) {
    return [
        {
            trigger: "form.oe_login_form input#login",
            content: "The login page",
            run: `edit ${login}`,
        },
        {
            trigger: "form.oe_login_form input#password",
            run: `edit ${login}`,
        },
        {
            trigger: "form.oe_login_form button[type=submit]",
            content: "Log in",
            run: "click",
        },
    ];
}

// Each role lands on its own home after login (res.users ROLE_HOMES).
const HOMES = {
    melder: [
        {
            trigger: ".o_breadcrumb:contains('My reports')",
            content: "The melder lands on their own reports",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Drugsdelicten')",
            content: "with the report they sent",
        },
        {
            trigger: ".o_control_panel .o_list_button_add",
            content: "and the way to report anew",
        },
    ],
    medewerker: [
        {
            trigger: ".o_breadcrumb:contains('Signals')",
            content: "The medewerker lands on the board",
        },
        {
            trigger: ".o_kanban_view .o_kanban_group .o_column_title:contains('Stap 1')",
            content: "with the columns of the stappenplan",
        },
    ],
    overleg: [
        {
            trigger: ".o_form_view .o_field_widget[name=overleg_type]:contains('BT-ondermijningstafel')",
            content: "The partner lands on their next overleg (not the earlier or later one)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=signaal_ids] .o_data_row",
            content: "with its agenda",
        },
        {
            trigger: "body:not(:has(.o_kanban_view))",
            content: "not the board",
        },
    ],
    afdeling: [
        {
            trigger: ".o_breadcrumb:contains('Referred to my department')",
            content: "The department lands on what was referred to it",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
    ],
    beheerder: [
        {
            trigger: ".o_breadcrumb:contains('Gemeenten')",
            content: "The beheerder lands on the configuration of the gemeenten",
        },
        {
            trigger: ".o_list_view thead th:contains('Gemeente')",
        },
    ],
    privacy: [
        {
            trigger: ".o_breadcrumb:contains('To review')",
            content: "The privacyfunctionaris lands on her queue",
        },
        {
            trigger: ".o_kanban_view",
            content: "of what waits for her decision",
        },
    ],
    // run by ondermijning_rapportage's tests, where the dashboard is
    analist: [
        {
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            content: "The regional analyst lands on the dashboard, a chart drawn",
        },
    ],
};
HOMES.team = HOMES.medewerker;

for (const [role, landing] of Object.entries(HOMES)) {
    tours.add(`ondermijning_home_${role}_tour`, {
        url: "/web/login",
        steps: () => [...logIn(`test_${role}`), ...landing],
    });
}

// At phone width (390 px) the primary actions are buttons in the form
// itself: Odoo folds a form's header buttons into its ⚙ menu there.
tours.add("ondermijning_phone_weging_tour", {
    steps: () => [
        {
            trigger: ".o_form_view div[name=phone_actions] button[name=action_record_weging]",
            content: "Record weging is visible without the ⚙ menu",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=indicator_ids] input[type=checkbox]:first",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=uitkomst_id] label:contains('Ja: het signaal duidt op ondermijning')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=motivation] textarea",
            run: "edit Verankerd in de wijk",
        },
        {
            trigger: ".modal button[name=action_confirm_recorded]",
            content: "The dialog's own button records the weging",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('recorded by')",
            content: "A confirmation says what was recorded",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

tours.add("ondermijning_phone_melding_tour", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=categorie_id] input",
            content: "On a phone a many2one opens a dialog to choose from",
            run: "click",
        },
        {
            trigger: ".modal .o_kanban_record:contains('Drugsdelicten'), .modal .o_data_row:contains('Drugsdelicten')",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_field_widget[name=categorie_id] input:value(Drugsdelicten)",
        },
        {
            trigger: ".o_field_widget[name=date_facts] input",
            content: "When did it happen: a day",
            run: "edit 03/01/2026",
        },
        {
            trigger: ".o_field_widget[name=description] textarea",
            run: "edit Busjes die 's nachts lossen bij een leegstaande loods",
        },
        {
            trigger: ".o_form_view div[name=phone_actions] button[name=action_submit]",
            content: "Send report is visible without the ⚙ menu",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] span:contains('-')",
            content: "Sent: the report has its reference",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=description]:contains('loods'):not(:has(textarea))",
            content: "The melder reads back what they wrote, read-only",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=date_facts]:contains('03/01/2026'):not(:contains(':'))",
            content: "The day, without a time of 00:00:00",
        },
        {
            trigger: ".o_form_view div[name=phone_actions] button[name=action_add_information]",
            content: "Adding information is the visible next action",
        },
        {
            trigger: "body:not(:has(.o-mail-Chatter-sendMessage))",
            content: "No 'Send message' into the case",
        },
    ],
});
