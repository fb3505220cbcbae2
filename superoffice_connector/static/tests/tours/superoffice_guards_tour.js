import { registry } from "@web/core/registry";

/**
 * A NUL byte typed into the Connect search: the user gets a clear message, not the server's
 * error dialog, and can search again.
 */
registry.category("web_tour.tours").add("superoffice_nul_search_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a[name='superoffice']",
            run: "click",
        },
        {
            trigger: "button[name='action_superoffice_connect']",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_search_text input",
            run: "edit Guard\u0000Harbour",
        },
        {
            trigger: ".modal button.o_superoffice_search",
            run: "click",
        },
        {
            trigger: ".o_error_dialog:contains('contains a character that cannot be used'):not(:contains('string literal'))",
        },
        {
            trigger: ".o_error_dialog .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_search_text input",
            run: "edit Guard Harbour",
        },
        {
            trigger: ".modal button.o_superoffice_search",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_hits .o_data_row td:contains('Guard Harbour AS')",
        },
        {
            // Leave as a user would: Cancel closes the dialog, nothing is left unsaved.
            trigger: ".modal footer button[special='cancel']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_notebook a[name='superoffice']",
        },
    ],
});

/** The application private key is a masked input on the connection form, like the secrets. */
registry.category("web_tour.tours").add("superoffice_masked_key_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a[name='credentials']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='private_key'] input[type='password']",
        },
        {
            trigger: ".o_field_widget[name='client_secret'] input[type='password']",
        },
    ],
});
