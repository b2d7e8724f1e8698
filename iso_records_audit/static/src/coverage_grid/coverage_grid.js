import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const PAGE_SIZE = 40;

/**
 * The clause coverage of an audit programme: its clauses (main clauses and sub-clauses) down, the
 * periods of its cycle (quarters or half-years) across; each cell coloured by what happened there:
 * planned, audited and conform, minor or major nonconformity, or a gap (no line of the programme
 * covers the clause). One server call per page (iso.audit.programme.get_coverage_grid), paged by clause.
 */
export class IsoAuditCoverageGrid extends Component {
    static template = "iso_records_audit.CoverageGrid";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.keepLast = new KeepLast();
        const params = this.props.action.params || {};
        this.programmeId = params.programme_id;
        this.state = useState({ grid: null, offset: 0, period: "quarter" });
        onWillStart(() => this.load());
    }

    async load() {
        const grid = await this.keepLast.add(
            this.orm.call("iso.audit.programme", "get_coverage_grid", [[this.programmeId]], {
                offset: this.state.offset,
                limit: PAGE_SIZE,
                period: this.state.period,
            })
        );
        this.state.grid = grid;
    }

    get periodChoices() {
        return [
            { value: "quarter", label: _t("Quarters") },
            { value: "half", label: _t("Half-years") },
        ];
    }

    get pageLabel() {
        const { offset, total, clauses } = this.state.grid;
        if (!total) {
            return "0";
        }
        return `${offset + 1}-${offset + clauses.length} / ${total}`;
    }

    async setPeriod(period) {
        this.state.period = period;
        await this.load();
    }

    async move(step) {
        const { total } = this.state.grid;
        const offset = this.state.offset + step * PAGE_SIZE;
        if (offset < 0 || offset >= total) {
            return;
        }
        this.state.offset = offset;
        await this.load();
    }

    cellTitle(clause, period, status) {
        const legend = this.state.grid.legend.find((entry) => entry.status === status);
        return `${clause.number} · ${period.label}: ${legend ? legend.label : _t("nothing planned")}`;
    }

    resultLabel(clause) {
        const labels = {
            major: _t("Major"),
            minor: _t("Minor"),
            observation: _t("Observation"),
            conform: _t("Conform"),
        };
        return labels[clause.result] || "";
    }

    openCell(clause, period, status) {
        if (!status || status === "gap") {
            return;
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: `${clause.number} · ${period.label}`,
            res_model: "iso.audit",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [
                ["programme_id", "=", this.programmeId],
                ["clause_ids", "parent_of", [clause.clause_id]],
                ["state", "!=", "cancelled"],
                ["date_start", ">=", period.start],
                ["date_start", "<=", period.end],
            ],
        });
    }

    openProgramme() {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "iso.audit.programme",
            res_id: this.programmeId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("iso_audit_coverage_grid", IsoAuditCoverageGrid);
