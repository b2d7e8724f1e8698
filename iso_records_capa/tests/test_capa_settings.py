"""Settings of nonconformities, CAPAs and supplier requests: every one on the form, its default read back when
unset, written to its parameter, negative values refused (nothing written), and read by the models."""

import re

from odoo.addons.iso_records.tools import iso_int_param
from odoo.addons.iso_records_capa.models.iso_capa import DEFAULT_EFFECTIVENESS_DAYS
from odoo.addons.iso_records_capa.models.iso_supplier_request import DEFAULT_SCAR_DEADLINE_DAYS
from odoo.addons.iso_records_capa.models.res_config_settings import (
    CAPA_NON_NEGATIVE_SETTINGS,
    DEFAULT_CAPA_REQUIRED_FROM,
    DEFAULT_NC_DEADLINE_DAYS,
    DEFAULT_PORTAL_UPLOAD_MB,
    DEFAULT_REPEAT_CAPA_COUNT,
    DEFAULT_REPEAT_WINDOW_DAYS,
    DEFAULT_SCAR_REMINDER_DAYS,
    NC_DEADLINE_STEPS,
)
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CapaCase

EXPECTED_DEFAULTS = {
    **{
        f"iso_nc_{priority}_{step}_days": days
        for priority, steps in DEFAULT_NC_DEADLINE_DAYS.items()
        for step, days in zip(NC_DEADLINE_STEPS, steps, strict=True)
    },
    "iso_nc_repeat_window_days": DEFAULT_REPEAT_WINDOW_DAYS,
    "iso_nc_repeat_capa_count": DEFAULT_REPEAT_CAPA_COUNT,
    "iso_capa_effectiveness_days": DEFAULT_EFFECTIVENESS_DAYS,
    "iso_scar_deadline_days": DEFAULT_SCAR_DEADLINE_DAYS,
    "iso_scar_reminder_days": DEFAULT_SCAR_REMINDER_DAYS,
    "iso_scar_max_upload_mb": DEFAULT_PORTAL_UPLOAD_MB,
}


@tagged("post_install", "-at_install")
class TestCapaSettings(CapaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.settings_administrator = new_test_user(
            cls.env, "capa_settings_admin", groups="base.group_system,iso_records.group_iso_administrator"
        )
        Settings = cls.env["res.config.settings"]
        keys = [Settings._fields[name].config_parameter for name in [*EXPECTED_DEFAULTS, "iso_nc_capa_required_from"]]
        cls.env["ir.config_parameter"].sudo().search([("key", "in", keys)]).unlink()

    def settings(self):
        return self.env["res.config.settings"].with_user(self.settings_administrator)

    def parameter(self, name):
        key = self.env["res.config.settings"]._fields[name].config_parameter
        return self.env["ir.config_parameter"].sudo().get_param(key)

    def test_every_setting_is_on_the_form_with_its_default(self):
        self.assertEqual(set(CAPA_NON_NEGATIVE_SETTINGS), set(EXPECTED_DEFAULTS))
        # The classic defaults of the issue: 1, 7 and 30 days for the highest priority.
        self.assertEqual(DEFAULT_NC_DEADLINE_DAYS["critical"], (1, 7, 30))
        self.assertEqual((DEFAULT_REPEAT_WINDOW_DAYS, DEFAULT_REPEAT_CAPA_COUNT), (180, 3))
        self.assertEqual((DEFAULT_EFFECTIVENESS_DAYS, DEFAULT_SCAR_DEADLINE_DAYS), (60, 14))
        Settings = self.settings()
        arch = Settings.get_views([(False, "form")])["views"]["form"]["arch"]
        names = [*EXPECTED_DEFAULTS, "iso_nc_capa_required_from"]
        for name in names:
            self.assertIn(f'name="{name}"', arch, name)
        defaults = Settings.default_get(names)
        for name, value in EXPECTED_DEFAULTS.items():
            self.assertEqual(defaults[name], value, name)
        self.assertEqual(defaults["iso_nc_capa_required_from"], DEFAULT_CAPA_REQUIRED_FROM)
        # Unset, the models read the same defaults.
        self.assertEqual(iso_int_param(self.env, "nc_repeat_window_days", DEFAULT_REPEAT_WINDOW_DAYS), 180)
        self.assertEqual(self.make_capa().effectiveness_days, DEFAULT_EFFECTIVENESS_DAYS)
        self.assertEqual(self.SupplierRequest._default_deadline_days(), DEFAULT_SCAR_DEADLINE_DAYS)

    def test_settings_write_the_parameters_and_the_models_read_them(self):
        values = {name: value + 1 for name, value in EXPECTED_DEFAULTS.items()}
        self.settings().create({**values, "iso_nc_capa_required_from": "critical"}).execute()
        for name, value in values.items():
            self.assertEqual(self.parameter(name), str(value), name)
        self.assertEqual(self.parameter("iso_nc_capa_required_from"), "critical")
        read_back = self.settings().default_get(list(values))
        self.assertEqual({name: read_back[name] for name in values}, values)
        self.assertEqual(self.make_capa().effectiveness_days, DEFAULT_EFFECTIVENESS_DAYS + 1)
        self.assertEqual(self.SupplierRequest._default_deadline_days(), DEFAULT_SCAR_DEADLINE_DAYS + 1)

    def test_negative_values_refused_nothing_written(self):
        self.settings().create({"iso_scar_deadline_days": 21}).execute()
        for name in CAPA_NON_NEGATIVE_SETTINGS:
            message = re.escape(f"{self.env['res.config.settings']._fields[name].string}: cannot be negative.")
            with self.subTest(name=name), self.assertRaisesRegex(ValidationError, message):
                self.settings().create({name: -1})
        self.assertEqual(self.parameter("iso_scar_deadline_days"), "21")
        self.assertEqual(self.settings().default_get(["iso_scar_deadline_days"])["iso_scar_deadline_days"], 21)

    def test_only_settings_administrators_change_them(self):
        for user in (self.iso_manager, self.iso_administrator):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["res.config.settings"].with_user(user).create({"iso_scar_deadline_days": 1}).execute()
        self.assertFalse(self.parameter("iso_scar_deadline_days"))
