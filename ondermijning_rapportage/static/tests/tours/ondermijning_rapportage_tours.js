/** @odoo-module **/

import { registry } from "@web/core/registry";

// 5. A medewerker downloads the statistics workbook.
registry.category("web_tour.tours").add("ondermijning_statistics_download_tour", {
    steps: () => [
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains('Dashboard')",
            content: "Open the dashboard menu",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains('Excel export')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=export_type] input[data-value=statistieken]",
            content: "Choose the statistics workbook",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=export_type] input[data-value=statistieken]:checked",
        },
        {
            trigger: ".modal .modal-footer button[name=action_export]",
            content: "Download",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer button[name=action_export]:enabled",
            content: "The download was handed to the browser",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
            content: "No error",
        },
        {
            // the download leaves the wizard open: close it, so the tour does
            // not end on a form in edition (early 18.0 builds fail on that)
            trigger: ".modal .modal-footer button.btn-secondary[special=cancel]:enabled",
            content: "Close the export wizard",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal .o_form_view))",
            content: "The wizard is closed",
        },
    ],
});

// The regional analyst opens the statistics (pivot, then graph): the
// protected figures render (withheld cells and measures are empty).
registry.category("web_tour.tours").add("ondermijning_statistics_analyst_tour", {
    steps: () => [
        {
            trigger: ".o_pivot table tbody tr:contains('Regio Tour')",
            content: "The pivot shows the gemeente with enough signals",
        },
        {
            trigger: "body:not(:has(.o_pivot table tbody tr:contains('Regio Klein')))",
            content: "A gemeente with fewer signals than the threshold is not shown",
        },
        {
            trigger: ".o_switch_view.o_graph",
            content: "Switch to the graph",
            run: "click",
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
            content: "No error",
        },
    ],
});

// The dashboard (spreadsheet_dashboard) draws its first chart, "Signals per
// month", with data: Chart.js has a data set with a count above zero.
registry.category("web_tour.tours").add("ondermijning_dashboard_tour", {
    steps: () => [
        {
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            content: "A chart of the dashboard is drawn",
            // the spreadsheet bundle is large: on a busy machine it takes
            // longer than a step's default 10 s to load
            timeout: 60000,
        },
        {
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            content: "The chart has data",
            async run() {
                const canvas = this.anchor;
                for (let attempt = 0; attempt < 100; attempt++) {
                    const chart = window.Chart && window.Chart.getChart(canvas);
                    const values = chart
                        ? chart.data.datasets.flatMap((dataset) => dataset.data)
                        : [];
                    if (values.some((value) => Number(value) > 0)) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error("The dashboard's chart has no data");
            },
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
            content: "No error",
        },
    ],
});
