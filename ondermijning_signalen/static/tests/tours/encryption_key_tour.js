import { registry } from "@web/core/registry";

// A database opened without its encryption keys (e.g. restored without them):
// the signal's form gives the product's message in a warning, no traceback.
registry.category("web_tour.tours").add("ondermijning_missing_key_tour", {
    steps: () => [
        {
            trigger: ".modal .modal-body p:contains('No encryption key is configured')",
            content: "The missing key is named in plain words",
        },
        {
            trigger: "body:not(:has(.modal .o_error_detail, .modal .btn-link))",
            content: "No server error with a traceback to unfold",
        },
        {
            trigger: ".modal .modal-footer .o-default-button",
            run: "click",
        },
    ],
});
