import { registry } from "@web/core/registry";
import { buildAuditPackSteps } from "./iso_audit_pack_steps";
import { openIsoMenu } from "./iso_tour_menu";

async function callKw(model, method, args, kwargs = {}) {
    const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", method: "call", params: { model, method, args, kwargs } }),
    });
    const payload = await response.json();
    if (payload.error) {
        throw new Error(`${model}.${method}: ${payload.error.data.message}`);
    }
    return payload.result;
}

/** The day before an audit: a manager opens ISO Records, sees what drifts, answers "show me your evidence for
 * 7.5.3" from the clause evidence map and hands the auditor a pack of it. */
registry.category("web_tour.tours").add("iso_records_audit_readiness_tour", {
    url: "/odoo",
    steps: () => {
        return [
            ...openIsoMenu("menu_iso_overview_root", "menu_iso_overview").slice(0, 2),
            {
                content: "ISO Records opens on the overview",
                trigger: ".o_iso_overview .o_breadcrumb:contains('Overview')",
            },
            {
                content: "One document's review is overdue",
                trigger: "[data-tile='reviews_overdue'] .o_iso_overview_tile_figure:contains('1')",
            },
            {
                trigger: "[data-tile='reviews_overdue']",
                run: "click",
            },
            {
                content: "The list of exactly the overdue reviews",
                trigger: ".o_control_panel .o_breadcrumb:contains('Reviews overdue')",
            },
            {
                trigger: ".o_list_view .o_data_row:contains('Readiness overdue procedure')",
                run() {
                    const rows = document.querySelectorAll(".o_list_view .o_data_row");
                    if (rows.length !== 1) {
                        throw new Error(`Reviews overdue: expected 1 row, got ${rows.length}`);
                    }
                },
            },
            {
                content: "Back to the overview",
                trigger: ".o_breadcrumb .breadcrumb-item a:contains('Overview')",
                run: "click",
            },
            {
                content: "Open the clause evidence map",
                trigger: ".o_iso_overview_links button[data-link='evidence_map']",
                run: "click",
            },
            {
                trigger: ".o_iso_evidence_map select.o_iso_evidence_standard",
                run: "selectByLabel ISO 9001:2015",
            },
            {
                content: "A clause without evidence is a gap",
                trigger: ".o_iso_evidence_map tr.o_iso_evidence_gap.table-danger[data-clause-code]",
            },
            {
                content: "7.5.3 has its effective document",
                trigger: ".o_iso_evidence_map tr[data-clause-code='7.5.3']:not(.o_iso_evidence_gap) td[data-column='documents']",
            },
            {
                content: "Open clause 7.5.3",
                trigger: ".o_iso_evidence_map tr[data-clause-code='7.5.3'] a.o_iso_evidence_clause_link",
                run: "click",
            },
            {
                content: "Its evidence",
                trigger: ".o_form_view button[name='action_view_records']",
                run: "click",
            },
            {
                trigger: ".o_list_view .o_data_row td:contains('Readiness document control')",
            },
            {
                content: "Back to the map",
                trigger: ".o_breadcrumb li.breadcrumb-item a:contains('Clause Evidence Map')",
                run: "click",
            },
            {
                content: "Start an audit pack of the standard shown",
                trigger: ".o_iso_evidence_map button.o_iso_evidence_audit_pack",
                run: "click",
            },
            {
                content: "The pack is of ISO 9001:2015",
                trigger: ".o_form_view .o_field_widget[name='standard_id'] input:value('ISO 9001:2015')",
            },
            ...buildAuditPackSteps("Control of documented information", "7.5.3"),
            {
                content: "Download",
                trigger: ".o_form_view button[name='action_download']",
                run: "click",
            },
            {
                content: "The download is the pack's ZIP, with its manifest",
                trigger: ".o_form_view button[name='action_download']",
                async run() {
                    const [pack] = await callKw("iso.audit.pack", "search_read", [[["state", "=", "done"]]], {
                        fields: ["id"],
                        order: "id desc",
                        limit: 1,
                    });
                    const action = await callKw("iso.audit.pack", "action_download", [[pack.id]]);
                    const response = await fetch(action.url);
                    const disposition = response.headers.get("Content-Disposition") || "";
                    const bytes = new Uint8Array(await response.arrayBuffer());
                    const text = new TextDecoder("latin1").decode(bytes);
                    if (!response.ok || !disposition.includes("attachment")) {
                        throw new Error(`Download: ${response.status} ${disposition}`);
                    }
                    if (bytes[0] !== 0x50 || bytes[1] !== 0x4b || !text.includes("manifest.sha256")) {
                        throw new Error("Download: not a ZIP with a manifest");
                    }
                    document.body.classList.add("o_iso_pack_downloaded");
                },
            },
            {
                trigger: "body.o_iso_pack_downloaded",
            },
        ];
    },
});
