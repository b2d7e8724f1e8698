import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * The clause evidence map: the clauses of a standard, indented by level, with one column per kind of
 * evidence (iso.clause.get_evidence_map). A clause without covering evidence is a gap (red), one with
 * open findings is flagged (orange). A count opens the list it counts; a clause opens its evidence.
 * The chosen standard is kept in the action's context, so that it stays chosen when coming back.
 */
export class IsoEvidenceMap extends Component {
    static template = "iso_records.EvidenceMap";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.context = this.props.action.context || {};
        this.state = useState({
            standardId: this.context.iso_evidence_map_standard_id || this.context.default_standard_id || false,
            gapsOnly: Boolean(this.context.iso_evidence_map_gaps_only),
            data: null,
        });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("iso.clause", "get_evidence_map", [this.state.standardId || false]);
        this.state.standardId = this.state.data.standard ? this.state.data.standard.id : false;
        this.context.iso_evidence_map_standard_id = this.state.standardId;
    }

    get rows() {
        const rows = this.state.data.rows;
        return this.state.gapsOnly ? rows.filter((row) => row.gap) : rows;
    }

    rowClass(row) {
        if (row.gap) {
            return "table-danger o_iso_evidence_gap";
        }
        return row.flagged ? "table-warning o_iso_evidence_flagged" : "";
    }

    indent(row) {
        return `padding-left: ${0.5 + 1.25 * Math.max(row.level - 1, 0)}rem;`;
    }

    onStandardChange(event) {
        this.state.standardId = parseInt(event.target.value) || false;
        return this.load();
    }

    onGapsOnlyChange(event) {
        this.state.gapsOnly = event.target.checked;
        this.context.iso_evidence_map_gaps_only = this.state.gapsOnly;
    }

    async openCell(row, column) {
        const action = await this.orm.call("iso.clause", "open_evidence_cell", [row.id, column.key]);
        return this.action.doAction(action);
    }

    async openClause(row) {
        const action = await this.orm.call("iso.clause", "open_clause_evidence", [row.id]);
        return this.action.doAction(action);
    }

    openAuditPack() {
        return this.action.doAction("iso_records.iso_audit_pack_new_action", {
            additionalContext: { default_standard_id: this.state.standardId },
        });
    }
}

registry.category("actions").add("iso_records.evidence_map", IsoEvidenceMap);
