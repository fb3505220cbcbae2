import { registry } from "@web/core/registry";

/**
 * A company SuperOffice's ERP Sync links: its SuperOffice tab says so and offers neither
 * Connect nor Create in SuperOffice (either would make a second SuperOffice company).
 */
registry.category("web_tour.tours").add("superoffice_erp_linked_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a[name='superoffice']",
            run: "click",
        },
        {
            trigger: ".o_superoffice_erp_linked:contains('Linked from SuperOffice as Customer')",
        },
        {
            trigger: ".o_notebook:not(:has(button[name='action_superoffice_create'])):not(:has(button[name='action_superoffice_connect']))",
        },
    ],
});

/**
 * Connect a person: the resolve step shows its company by name, not as a SuperOffice id, and
 * every value whole (wrapped, not cut); Connect links it.
 */
registry.category("web_tour.tours").add("superoffice_person_names_tour", {
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
            trigger: ".modal .o_superoffice_hits .o_data_row:has(td:contains('Kari Nameshown')) button.o_superoffice_pick",
            run: "click",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td[name='label']:contains('Company')) td[name='odoo_display']:contains('Lighthouse Harbour Maritime Logistics Holding AS')",
        },
        {
            trigger: ".modal .o_superoffice_lines .o_data_row:has(td[name='label']:contains('Company')) td[name='so_display']:contains('Lighthouse Harbour Maritime Logistics Holding AS')",
            run() {
                // shown whole: the cell wraps instead of cutting the name with an ellipsis
                const cell = this.anchor;
                if (cell.scrollWidth > cell.clientWidth + 1) {
                    throw new Error(`the company name is cut: ${cell.scrollWidth} > ${cell.clientWidth}`);
                }
                const shown = [...document.querySelectorAll(".modal .o_superoffice_lines td[name='odoo_display'], .modal .o_superoffice_lines td[name='so_display']")];
                if (shown.some((td) => /^\d+$/.test(td.textContent.trim()))) {
                    throw new Error("a value is shown as a bare id");
                }
            },
        },
        {
            trigger: ".modal button.o_superoffice_connect_button",
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
            trigger: ".o_superoffice_values th:contains('Company') + td:contains('Lighthouse Harbour Maritime Logistics Holding AS')",
        },
    ],
});
