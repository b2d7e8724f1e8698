import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { Pager } from "@web/core/pager/pager";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useDebounced } from "@web/core/utils/timing";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const PAGE_SIZE = 50;

/**
 * The competence matrix at a glance: employees as rows, competence requirements as columns,
 * each cell coloured by its status (valid green, expiring orange, expired red, missing grey).
 * One page of employees is loaded at a time (iso.competence.matrix.get_grid_data); a cell opens
 * the training that proves it, or the row, from which a training is filed.
 */
export class IsoCompetenceMatrix extends Component {
    static template = "iso_records.CompetenceMatrix";
    static components = { Layout, Pager };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const context = this.props.action.context || {};
        this.state = useState({
            departmentId: context.default_department_id || false,
            search: "",
            gapsOnly: false,
            offset: 0,
            limit: PAGE_SIZE,
            data: null,
            loading: true,
        });
        this.onSearchInput = useDebounced((event) => {
            this.state.search = event.target.value;
            this.state.offset = 0;
            this.load();
        }, 300);
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("iso.competence.matrix", "get_grid_data", [], {
            department_id: this.state.departmentId,
            search: this.state.search,
            gaps_only: this.state.gapsOnly,
            offset: this.state.offset,
            limit: this.state.limit,
        });
        this.state.loading = false;
    }

    get stateLabels() {
        return Object.fromEntries(this.state.data.states);
    }

    get pagerProps() {
        return {
            offset: this.state.offset,
            limit: this.state.limit,
            total: this.state.data.total,
            onUpdate: ({ offset, limit }) => {
                this.state.offset = offset;
                this.state.limit = limit;
                return this.load();
            },
        };
    }

    requirementTitle(requirement) {
        return [requirement.training_type, requirement.document].filter((part) => part).join(" / ");
    }

    cell(employee, requirement) {
        return this.state.data.cells[employee.id]?.[requirement.id];
    }

    cellText(cell) {
        if (cell.state === "missing") {
            return _t("Missing");
        }
        if (cell.valid_to) {
            return formatDate(deserializeDate(cell.valid_to));
        }
        return cell.training_id ? _t("No expiry") : _t("Read");
    }

    cellTitle(cell, requirement) {
        const parts = [`${requirement.name}: ${this.stateLabels[cell.state]}`];
        if (requirement.training_type) {
            parts.push(
                cell.training_id
                    ? cell.valid_to
                        ? _t("Training valid to %s", formatDate(deserializeDate(cell.valid_to)))
                        : _t("Training without expiry")
                    : _t("No valid %s", requirement.training_type)
            );
        }
        if (cell.document_id) {
            parts.push(
                cell.acknowledged_at
                    ? _t("%(document)s read and understood on %(date)s", {
                          document: requirement.document,
                          date: formatDateTime(deserializeDateTime(cell.acknowledged_at)),
                      })
                    : _t("%s not yet read and understood", requirement.document)
            );
        }
        return parts.join("\n");
    }

    onDepartmentChange(event) {
        this.state.departmentId = parseInt(event.target.value) || false;
        this.state.offset = 0;
        this.load();
    }

    onGapsOnlyChange(event) {
        this.state.gapsOnly = event.target.checked;
        this.state.offset = 0;
        this.load();
    }

    openCell(cell) {
        if (cell.training_id) {
            return this.action.doAction({
                type: "ir.actions.act_window",
                res_model: "iso.record",
                res_id: cell.training_id,
                views: [[false, "form"]],
            });
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "iso.competence.matrix",
            res_id: cell.id,
            views: [[false, "form"]],
        });
    }

    listDomain(extra = []) {
        const domain = [...extra];
        if (this.state.departmentId) {
            domain.push(["department_id", "child_of", this.state.departmentId]);
        }
        if (this.state.search) {
            domain.push(["employee_name", "ilike", this.state.search]);
        }
        if (this.state.gapsOnly) {
            domain.push(["state", "in", ["expiring", "expired", "missing"]]);
        }
        return domain;
    }

    openEmployee(employee) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Competence of %s", employee.name),
            res_model: "iso.competence.matrix",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: this.listDomain([["employee_id", "=", employee.id]]),
        });
    }

    openList() {
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Competence List"),
            res_model: "iso.competence.matrix",
            views: [
                [false, "list"],
                [false, "pivot"],
                [false, "form"],
            ],
            domain: this.listDomain(),
        });
    }
}

registry.category("actions").add("iso_competence_matrix", IsoCompetenceMatrix);
