import { registry } from "@web/core/registry";

/**
 * A category SuperOffice has, chosen on the partner form, reaches SuperOffice with Sync now and
 * the notification says it was sent; the next Sync now finds nothing to do. Then a category
 * SuperOffice lacks: Sync now says it was not sent (never that nothing changed). Last, a
 * salesperson who is a SuperOffice user too (same e-mail address) reaches SuperOffice as its
 * owner.
 */
registry.category("web_tour.tours").add("superoffice_list_values_tour", {
    steps: () => [
        ...chooseCategory("Partner", "Competitor"),
        {
            trigger: ".o_notification:contains('Sent to SuperOffice: Category.')",
        },
        {
            trigger: ".o_notification_close",
            run: "click",
        },
        {
            trigger: "button[name='action_superoffice_sync_now']",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Nothing changed')",
        },
        {
            trigger: ".o_notification_close",
            run: "click",
        },
        ...chooseCategory("Competitor", "Wholesaler"),
        {
            trigger: ".o_notification:contains('1 value not sent: Category Wholesaler.')",
        },
        {
            trigger: "body:not(:has(.o_notification:contains('Nothing changed')))",
        },
        {
            trigger: ".o_notification_close",
            run: "click",
        },
        {
            trigger: ".o_notebook a[name='sales_purchases']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='user_id'] input",
            run: "edit Kari",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Kari Nordmann')",
            run: "click",
        },
        ...saveAndSyncNow(),
        {
            trigger: ".o_notification:contains('Sent to SuperOffice: Owner.')",
        },
    ],
});

/** Replace the tag ``from`` by ``to`` in the Tags field, save, and press Sync now. */
function chooseCategory(from, to) {
    return [
        {
            // the form shows what the last Sync now reloaded, not a render it replaces
            trigger: ".o_form_saved",
        },
        {
            trigger: `.o_field_widget[name='category_id'] .o_tag:contains('${from}') .o_delete`,
            run: "click",
        },
        {
            trigger: `.o_field_widget[name='category_id']:not(:has(.o_tag:contains('${from}')))`,
        },
        {
            trigger: ".o_field_widget[name='category_id'] input",
            run: `edit ${to}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains('${to}')`,
            run: "click",
        },
        {
            trigger: `.o_field_widget[name='category_id']:not(:has(.o_tag:contains('${from}'))) .o_tag:contains('${to}')`,
        },
        ...saveAndSyncNow(),
    ];
}

/** Save the form, open its SuperOffice tab and press Sync now. */
function saveAndSyncNow() {
    return [
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_notebook a[name='superoffice']",
            run: "click",
        },
        {
            trigger: "button[name='action_superoffice_sync_now']",
            run: "click",
        },
    ];
}
