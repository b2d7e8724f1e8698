import { registry } from "@web/core/registry";

/** A pack queued for the background: its form shows the progress and, once the scheduled action has built it
 * (run here by the administrator, as the cron worker would), the Download button, without a reload. */
registry.category("web_tour.tours").add("iso_records_audit_pack_progress_tour", {
    steps: () => [
        {
            content: "The pack waits for the background build",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Queued')",
        },
        {
            content: "Its progress shows",
            trigger: ".o_form_view .o_field_iso_audit_pack_progress .o_progressbar",
        },
        {
            content: "The scheduled action builds the queued packs",
            trigger: ".o_form_view .o_field_iso_audit_pack_progress",
            async run() {
                const call = async (model, method, args, kwargs = {}) => {
                    const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
                        method: "POST",
                        headers: { "Content-Type": "application/json" },
                        body: JSON.stringify({
                            jsonrpc: "2.0",
                            method: "call",
                            params: { model, method, args, kwargs },
                        }),
                    });
                    const payload = await response.json();
                    if (payload.error) {
                        throw new Error(`${model}.${method}: ${payload.error.data.message}`);
                    }
                    return payload.result;
                };
                const [cron] = await call("ir.cron", "search_read", [
                    [["name", "=", "ISO Records: build the queued audit packs"]],
                ], { fields: ["id"] });
                await call("ir.cron", "method_direct_trigger", [[cron.id]]);
            },
        },
        {
            content: "The form reads the pack again by itself: done, with its Download button",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
            timeout: 20000,
        },
        {
            trigger: ".o_form_view button[name='action_download']:contains('Download')",
        },
    ],
});
