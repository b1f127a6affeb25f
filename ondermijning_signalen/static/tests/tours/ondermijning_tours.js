/** @odoo-module **/

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

function selectMany2one(field, text) {
    return [
        {
            trigger: `.o_field_widget[name=${field}] input`,
            content: `Type ${text} in ${field}`,
            run: `edit ${text}`,
        },
        {
            trigger: `.ui-autocomplete .ui-menu-item a:contains("${text}")`,
            content: `Select ${text}`,
            run: "click",
        },
    ];
}

function recordWeging(outcome, motivation, extraSteps = []) {
    return [
        {
            trigger: ".o_form_view button[name=action_record_weging]",
            content: "Record the weging that is due",
            run: "click",
        },
        ...extraSteps,
        {
            trigger: `.modal .o_field_widget[name=uitkomst_id] label:contains("${outcome}")`,
            content: `Choose ${outcome}`,
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=motivation] textarea",
            run: `edit ${motivation}`,
        },
        {
            trigger: ".modal .modal-footer button[name=action_confirm_recorded]",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('recorded by')",
            content: "A confirmation says what was recorded",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ];
}

// 1. A melder reports a suspicion and sees it in "My reports" without case details.
tours.add("ondermijning_melder_tour", {
    steps: () => [
        ...selectMany2one("categorie_id", "Drugsdelicten"),
        {
            trigger: ".o_field_widget[name=place] input",
            run: "edit Industrieweg 12",
        },
        {
            trigger: ".o_field_widget[name=description] textarea",
            run: "edit Elke avond veel bezoek aan een bedrijfspand, ramen afgeplakt",
        },
        {
            trigger: ".o_form_view button[name=action_submit]",
            content: "Send the report",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Received')",
            content: "The report is received",
        },
        {
            trigger: ".o_field_widget[name=name] span:contains('-')",
            content: "It has a reference",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=description]:contains('afgeplakt'):not(:has(textarea))",
            content: "The melder reads back what they wrote, read-only",
        },
        {
            trigger: ".o_breadcrumb",
        },
    ],
});

// 2. A medewerker takes an MMA report in, records wegingen 1, 2A and 2B, drags the card to
//    stap 2, and is refused a move that skips a weging.
tours.add("ondermijning_mma_intake_tour", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=mma_number] input",
            run: "edit MMA-TOUR-0001",
        },
        ...selectMany2one("categorie_id", "Drugsdelicten"),
        {
            trigger: ".o_field_widget[name=mma_discipline] select",
            run: 'select "multi"',
        },
        {
            trigger: ".o_field_widget[name=description] textarea",
            run: "edit Hennepkwekerij in de kelder van een woning",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_breadcrumb:contains('-')",
            content: "Saved: the signal has its reference",
        },
        {
            trigger: ".o_form_view button[name=action_open_signal]",
            content: "After saving, the way to the signal it made",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status:contains('Stap 1')",
            content: "The signal's own form, with the stappenplan",
        },
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains('Signals')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Board')",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('MMA-TOUR-0001')",
            content: "The new MMA signal is on the board",
            run: "click",
        },
        ...recordWeging("Ja: het signaal duidt op ondermijning", "Verankerd in de wijk", [
            {
                trigger: ".modal .o_field_widget[name=indicator_ids] input[type=checkbox]:first",
                run: "click",
            },
        ]),
        ...recordWeging("Ja: taak of bevoegdheid van de gemeente", "Openbare orde, art. 13b Opiumwet", [
            ...selectMany2one("taak_id", "Sluiting van drugspanden").map((step) => ({
                ...step,
                trigger: step.trigger.startsWith(".o_field") ? `.modal ${step.trigger}` : step.trigger,
            })),
        ]),
        ...recordWeging("Ja: subject of object binnen de gemeente", "Adres in de BAG", [
            {
                trigger: ".modal .o_field_widget[name=subject_kind] input[data-value=object]",
                content: "Weging 2B, question 1: an object",
                run: "click",
            },
            {
                trigger: ".modal .o_field_widget[name=within_gemeente] input",
                content: "Question 2: it lies within the gemeente",
                run: "click",
            },
            {
                trigger: ".modal .o_field_widget[name=register] select",
                run: 'select "bag"',
            },
        ]),
        {
            trigger: ".o_breadcrumb a:first",
            content: "Back to the board",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('MMA-TOUR-0001')",
            content: "Try to skip stap 2: drag to stap 3",
            run: "drag_and_drop (.o_kanban_group:has(.o_column_title:contains('Stap 3')))",
        },
        {
            trigger: ".modal:contains('cannot move') .modal-body:contains('missing')",
            content: "The refusal says which weging is missing",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_kanban_group:has(.o_column_title:contains('Stap 1')) .o_kanban_record:contains('MMA-TOUR-0001')",
            content: "The card went back to stap 1",
        },
        {
            trigger: ".o_kanban_record:contains('MMA-TOUR-0001')",
            content: "Drag the card to stap 2",
            run: "drag_and_drop (.o_kanban_group:has(.o_column_title:contains('Stap 2')))",
        },
        {
            trigger: ".o_kanban_group:has(.o_column_title:contains('Stap 2')) .o_kanban_record:contains('MMA-TOUR-0001')",
            content: "The card is in stap 2",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Stap 2')",
            content: "The server agrees: the signal is in stap 2",
        },
    ],
});

// 3. The privacyfunctionaris approves a source; a no-hit consultation closes the signal.
tours.add("ondermijning_privacy_no_hit_tour", {
    steps: () => [
        {
            trigger: ".o_notebook .nav-link:contains('Sources')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=raadpleging_ids] .o_field_x2many_list_row_add a",
            content: "Approve a source",
            run: "click",
        },
        ...selectMany2one("bron_id", "Burgerzaken"),
        {
            trigger: ".o_field_widget[name=legal_ground] input",
            run: "edit Art. 6 lid 1 sub e AVG",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view:has(.o_form_status_indicator_buttons.invisible) .o_field_widget[name=raadpleging_ids] .o_data_row td[name=approved_by_id]:contains('test_privacy')",
            content: "Saved: the approval names the privacyfunctionaris",
        },
        {
            trigger: ".o_field_widget[name=raadpleging_ids] button[name=action_record_no_hit]",
            content: "Record that the source gave no hit",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=end_state]:contains('Niet in behandeling')",
            content: "No hit anywhere: the signal is not taken into treatment",
        },
    ],
});

// 4. An overleg partner opens the overleg and sees only its agenda, read-only.
tours.add("ondermijning_overleg_partner_tour", {
    steps: () => [
        {
            trigger: ".o_data_row:contains('BT-ondermijningstafel') td[name=overleg_type]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=display_name]:contains('BT-ondermijningstafel')",
            content: "The overleg is read-only for a partner",
        },
        {
            trigger: ".o_field_widget[name=signaal_ids] .o_data_row:contains('Woonfraude')",
            content: "The signal on the agenda is listed",
        },
        {
            trigger: ".o_field_widget[name=signaal_ids]:not(:has(.o_field_x2many_list_row_add)):not(:contains('Mensenhandel'))",
            content: "Nothing can be added; the item not cleared shows no category",
        },
        {
            trigger: ".o_field_widget[name=signaal_ids] .o_data_row:not(:contains('Woonfraude')) td[name=name]:contains('-')",
            content: "The item not cleared for the partner's organisation only shows that it exists",
        },
        {
            trigger: ".o_field_widget[name=signaal_ids] .o_data_row:contains('Woonfraude') td[name=categorie_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=handler_display]:contains('Team Ondermijning')",
            content: "The partner sees the team, not the official",
        },
        {
            trigger: ".o_form_view:not(:has(.o_notebook .nav-link:contains('Wegingen')))",
            content: "No wegingen for partners",
        },
    ],
});

// 6. The privacyfunctionaris works with sealed signals in the database: the
//    board, the list and the sealed-signals list open; one sealed signal is
//    opened with a reason, and the audit log shows that.
tours.add("ondermijning_privacy_sealed_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_view .o_kanban_record",
            content: "The board opens",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
        {
            trigger: ".o_switch_view.o_list",
            content: "Switch to the list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
            content: "The list opens, sealed signals included",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains('Retention')",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Sealed signals')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row button[name=action_unseal]",
            content: "Open a sealed signal",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Inzageverzoek van de betrokkene, kenmerk 2026-17",
        },
        {
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Wegingen')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=weging_ids] .o_data_row:contains('Weging 1')",
            content: "Opened with a reason: what a sealed signal hides shows",
        },
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains('Audit log'), .o_main_navbar .o_menu_sections a:contains('Audit log')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Opened sealed record')",
            content: "The audit log shows the opening",
        },
    ],
});
