/** @odoo-module **/

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

function writeToReporter(text) {
    return [
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Notes')",
            content: "Open the notes of the signal",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_write_to_reporter]",
            content: "Write to the reporter",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=body] textarea",
            content: "The message for the reporter",
            run: `edit ${text}`,
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            content: "Save the note",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: `.o_form_view .o_field_widget[name=notitie_ids] td:contains('${text}')`,
            content: "The note is in the conversation",
        },
    ];
}

// The handler sees the citizen's and the partner's reports in stap 1, each
// with its source, and asks the anonymous citizen a question.
tours.add("ondermijning_meldpunt_handler_asks", {
    steps: () => [
        {
            trigger:
                ".o_list_view .o_data_row:has(td:contains('Ketenpartner')):has(td:contains('Woonbedrijf Testdorp')):has(td:contains('Stap 1'))",
            content: "The partner's report: source Ketenpartner, its organisation, stap 1",
        },
        {
            trigger: ".o_list_view .o_data_row:has(td:contains('Burger')):has(td:contains('Stap 1')) td.o_data_cell:first",
            content: "Open the citizen's report (source Burger, stap 1)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=herkomst_id] input",
            content: "The signal's form is open",
        },
        ...writeToReporter("Welke kleur had de bestelbus?"),
    ],
});

// The handler reads the reporter's answer and thanks them.
tours.add("ondermijning_meldpunt_handler_answers", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Notes')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=notitie_ids] td:contains('Wit, met een blauwe streep')",
            content: "The reporter's answer is in the notes",
        },
        ...writeToReporter("Dank u, wij gaan ermee aan de slag."),
    ],
});
