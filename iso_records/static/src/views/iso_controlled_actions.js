/** @odoo-module **/
// Controlled records carry "iso_deletable" in their forms and lists (added by the contract's _get_view):
// Delete is offered only on records the current user may delete (not filed, approved, locked or held).
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { ListController } from "@web/views/list/list_controller";

function mayDelete(records) {
    return records.every((record) => !("iso_deletable" in record.data) || record.data.iso_deletable);
}

patch(FormController.prototype, {
    getStaticActionMenuItems() {
        const items = super.getStaticActionMenuItems();
        const isAvailable = items.delete.isAvailable;
        items.delete.isAvailable = () => isAvailable() && mayDelete([this.model.root]);
        return items;
    },
});

patch(ListController.prototype, {
    getStaticActionMenuItems() {
        const items = super.getStaticActionMenuItems();
        const isAvailable = items.delete.isAvailable;
        items.delete.isAvailable = () => isAvailable() && mayDelete(this.model.root.selection);
        return items;
    },
});
