/** @odoo-module **/
import {registry} from "@web/core/registry";

// Run on the form of lot "TOUR-LOT-1" (tests/test_label_tour.py), with a fake
// network printer listening.
registry.category("web_tour.tours").add("label_printing_print_lot_tour", {
    steps: () => [
        {
            content: "The lot form is open",
            trigger: ".o_form_view .o_field_widget[name='name'] input:value('TOUR-LOT-1'), .o_form_view .o_field_widget[name='name']:contains('TOUR-LOT-1')",
        },
        {
            content: "Print Labels, in the header of the lot",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Print Labels')",
            run: "click",
        },
        {
            content: "The default output is the PDF drawn by Odoo",
            trigger: ".modal .o_field_widget[name='output'] input[data-value='bulk_pdf']:checked",
        },
        {
            content: "The template is chosen by the rules",
            trigger: ".modal .o_field_widget[name='template_id'] input:value('Tour Label')",
        },
        {
            content: "Print on the label printer",
            trigger: ".modal .o_field_widget[name='output'] input[data-value='printer']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='printer_id'] input:value('Tour Printer')",
        },
        {
            content: "Print",
            trigger: ".modal button[name='action_print']",
            run: "click",
        },
        {
            content: "The printer got the labels",
            trigger: ".o_notification:contains('labels sent to Tour Printer')",
        },
    ],
});

// Run on the form of template "Preview Label" (tests/test_label_tour.py), which
// has no sample lot: the preview shows the latest lot and the record stays saved.
registry.category("web_tour.tours").add("label_printing_template_preview_tour", {
    steps: () => [
        {
            content: "The template form is open",
            trigger: ".o_form_view .o_field_widget[name='name'] input:value('Preview Label')",
        },
        {
            content: "The preview is shown",
            trigger: ".o_form_view div[name='preview'] img[src]",
        },
        {
            content: "Look at the choice rules",
            trigger: ".o_form_view .o_notebook a:contains('Choice Rules')",
            run: "click",
        },
        {
            content: "Back to the layout",
            trigger: ".o_form_view .o_notebook a:contains('Layout')",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name='preview'] img[src]",
        },
        {
            content: "The record is not marked as changed",
            trigger:
                ".o_form_view .o_control_panel:not(:has(.o_form_status_indicator_buttons:not(.invisible)))",
        },
        {
            content: "No save button is shown",
            trigger: ".o_form_view .o_control_panel:not(:has(.o_form_button_save:visible))",
        },
    ],
});
