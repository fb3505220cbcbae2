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

/** Create in SuperOffice for a partner with no match in SuperOffice. */
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
    ],
});
