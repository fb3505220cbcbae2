import { registry } from "@web/core/registry";

/**
 * Connect a company: open the SuperOffice tab, Connect, search, pick the hit, keep the Odoo
 * value of two differing fields, Connect; the tab then shows the link.
 */
registry.category("web_tour.tours").add("superoffice_connect_tour", {
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
            // a likely match can be picked straight from the opening list
            trigger: ".modal .o_superoffice_hits .o_data_row:has(td:contains('Tour Harbour Logistics AS')) button.o_superoffice_pick",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row",
        },
        {
            trigger: ".modal button[name='action_back_to_search']",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_search_text input",
            run: "edit Tour Harbour",
        },
        {
            trigger: ".modal button.o_superoffice_search",
            run: "click",
        },
        {
            // the result of the search, not the opening list of likely matches
            trigger: ".modal .o_field_widget[name='page_info']:contains('of 1')",
        },
        {
            trigger: ".modal .o_superoffice_hits .o_data_row td:contains('Tour Harbour Logistics AS')",
        },
        {
            trigger: ".modal .o_superoffice_hits .o_data_row button.o_superoffice_pick",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td:contains('City')) td[name='choice']",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td:contains('City')) input[data-value='odoo']",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td:contains('Phone')) td[name='choice']",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td:contains('Phone')) input[data-value='odoo']",
            run: "click",
        },
        {
            trigger: ".modal button.o_superoffice_connect_button",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .oe_stat_button:contains('Linked')",
        },
    ],
});

/**
 * Create in SuperOffice for a partner with no match in SuperOffice, with the City edited in the
 * dialog: afterwards the form and the SuperOffice tab show the edited City, and Sync now finds
 * nothing to do.
 */
registry.category("web_tour.tours").add("superoffice_create_tour", {
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
            trigger: ".modal .o_superoffice_no_hit:contains(Can't find a match in SuperOffice)",
        },
        {
            trigger: ".modal button.o_superoffice_create",
            run: "click",
        },
        {
            // prefilled from the record
            trigger: ".modal .o_superoffice_create_lines .o_data_row:has(td:contains('City')) td[name='value']:contains('Vardø')",
        },
        {
            trigger: ".modal .o_superoffice_create_lines .o_data_row:has(td:contains('City')) td[name='value']",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_create_lines .o_data_row:has(td:contains('City')) td[name='value'] input",
            run: "edit Hammerfest",
        },
        {
            trigger: ".modal button.o_superoffice_create_confirm",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .oe_stat_button:contains('Linked')",
        },
        {
            // the edited value is the record's value too
            trigger: "div[name='city'] input:value('Hammerfest')",
        },
        {
            trigger: ".o_notebook a[name='superoffice']",
            run: "click",
        },
        {
            trigger: ".o_superoffice_values tr:has(th:contains('City')) td:contains('Hammerfest')",
        },
        {
            trigger: "button[name='action_superoffice_sync_now']",
            run: "click",
        },
        {
            // SuperOffice made its user Roy de Jong the new company's owner; no Odoo user is
            // him: each side keeps its own, and Sync now says so instead of "Nothing changed"
            trigger: ".o_notification:contains('1 value from SuperOffice not taken: Owner Roy de Jong')",
        },
    ],
});

/** Sync now, and the notification that nothing changed on either side. */
function syncNowChangesNothing() {
    return [
        {
            trigger: "button[name='action_superoffice_sync_now']",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Nothing changed')",
        },
    ];
}

/**
 * A sync conflict resolved from the SuperOffice tab: the screen is titled as such, the Odoo value
 * of Department is kept, the record is linked again and Sync now finds nothing to do.
 */
registry.category("web_tour.tours").add("superoffice_conflict_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a[name='superoffice']",
            run: "click",
        },
        {
            trigger: ".alert-danger:contains('changed in Odoo and in SuperOffice')",
        },
        {
            trigger: "button[name='action_superoffice_resolve']",
            run: "click",
        },
        {
            trigger: ".modal .modal-title:contains('Resolve sync conflict')",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td:contains('Department')) td[name='choice']",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td:contains('Department')) input[data-value='odoo']",
            run: "click",
        },
        {
            trigger: ".modal footer button[name='action_connect']:contains('Apply')",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .oe_stat_button:contains('Linked')",
        },
        {
            trigger: ".o_notebook a[name='superoffice']",
            run: "click",
        },
        {
            trigger: ".o_superoffice_values tr:has(th:contains('Department')) td:contains('Purchasing')",
        },
        ...syncNowChangesNothing(),
    ],
});

/** Test connection that works: the status bar and the SuperOffice user change at once. */
registry.category("web_tour.tours").add("superoffice_test_connection_tour", {
    steps: () => [
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Not tested')",
        },
        {
            trigger: "button[name='action_test_connection']",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Connection works')",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Connected')",
        },
        {
            trigger: ".o_field_widget[name='superoffice_user_name']:contains('System User')",
        },
    ],
});

/** Test connection with refused credentials: the status bar and the error field show it. */
registry.category("web_tour.tours").add("superoffice_test_connection_error_tour", {
    steps: () => [
        {
            trigger: "button[name='action_test_connection']",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Connection failed')",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Error')",
        },
        {
            trigger: ".alert-danger .o_field_widget[name='last_error']:contains('refused the credentials')",
        },
    ],
});
