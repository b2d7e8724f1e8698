import { useEffect } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { ProgressBarField, progressBarField } from "@web/views/fields/progress_bar/progress_bar_field";

/** The progress of an audit pack built in the background: while it is queued or building, the form reads the
 * pack again every few seconds, so the user sees the progress and then the Download button. */
export class AuditPackProgressField extends ProgressBarField {
    static props = { ...ProgressBarField.props, refreshSeconds: { type: Number, optional: true } };

    setup() {
        super.setup();
        useEffect(
            (state) => {
                if (!["queued", "running"].includes(state)) {
                    return;
                }
                const interval = setInterval(() => {
                    if (!this.props.record.dirty) {
                        this.props.record.load();
                    }
                }, (this.props.refreshSeconds || 3) * 1000);
                return () => clearInterval(interval);
            },
            () => [this.props.record.data.state]
        );
    }
}

registry.category("fields").add("iso_audit_pack_progress", {
    ...progressBarField,
    component: AuditPackProgressField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...progressBarField.extractProps(fieldInfo, dynamicInfo),
        refreshSeconds: fieldInfo.options.refresh_seconds,
    }),
});
