/** @odoo-module **/

import { registry } from "@web/core/registry";

// The privacyfunctionaris' queue: a medewerker asks to open a sealed signal,
// she finds the request under "To review", approves it and sees the signal.
registry.category("web_tour.tours").add("ondermijning_privacy_queue_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_group:contains('Sources to approve') .o_kanban_record",
            content: "A signal in stap 3 waits for her sources",
        },
        {
            trigger: ".o_kanban_group:contains('Request to open a sealed signal') .o_kanban_record",
            content: "Open the request",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=reason]:contains('Inzageverzoek')",
            content: "She reads why it is asked",
        },
        {
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer button.btn-primary",
            content: "Confirm: it opens to her for an hour, logged",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Wegingen')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=weging_ids] .o_data_row:contains('Weging 1')",
            content: "The sealed signal is open to her: what it hides shows",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});
