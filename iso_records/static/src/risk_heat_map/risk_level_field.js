import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { BadgeField, badgeField } from "@web/views/fields/badge/badge_field";

/**
 * The colour of each risk level, the same in lists, cards, forms and the heat map: low green,
 * medium yellow, high orange, critical red. Bootstrap has no orange badge, hence our own class.
 */
export const RISK_LEVEL_CLASSES = {
    low: "text-bg-success",
    medium: "text-bg-warning",
    high: "o_iso_risk_level_high",
    critical: "text-bg-danger",
};

export class IsoRiskLevelField extends BadgeField {
    static template = "iso_records.RiskLevelField";

    get classFromDecoration() {
        return RISK_LEVEL_CLASSES[this.props.record.data[this.props.name]] || "text-bg-300";
    }
}

export const isoRiskLevelField = {
    ...badgeField,
    component: IsoRiskLevelField,
    displayName: _t("Risk level"),
    supportedTypes: ["selection"],
};

registry.category("fields").add("iso_risk_level", isoRiskLevelField);
