"""Cross-addon checks: the three addons are installed as the architecture lays them out,
and CI runs the test command the README gives."""

import ast
import re
from pathlib import Path

from odoo.tests import TransactionCase

ROOT = Path(__file__).resolve().parent.parent
ADDON_DEPENDENCIES = {
    "iso_records": {"mail", "hr", "product"},
    "iso_records_audit": {"iso_records"},
    "iso_records_capa": {"iso_records_audit", "portal"},
}


class TestAddonsInstalled(TransactionCase):
    # Odoo derives these from the addon a test lives in; this one lives in no addon.
    test_tags = {"standard", "post_install"}
    test_module = "iso_records_platform"

    def test_addons_installed_with_their_dependencies(self):
        modules = self.env["ir.module.module"].search([("name", "in", list(ADDON_DEPENDENCIES))])
        self.assertEqual(set(modules.mapped("name")), set(ADDON_DEPENDENCIES))
        for module in modules:
            with self.subTest(addon=module.name):
                self.assertEqual(module.state, "installed")
                self.assertEqual(set(module.dependencies_id.mapped("name")), ADDON_DEPENDENCIES[module.name])

    def test_groups_form_the_documented_chain(self):
        def implied(xmlid):
            return self.env.ref(xmlid).implied_ids

        self.assertEqual(
            implied("iso_records.group_iso_auditor"),
            self.env.ref("iso_records.group_iso_user") | self.env.ref("base.group_allow_export"),
        )
        self.assertEqual(
            implied("iso_records.group_iso_manager"),
            self.env.ref("iso_records.group_iso_user") | self.env.ref("base.group_allow_export"),
            "managers export the competence matrix",
        )
        self.assertEqual(implied("iso_records.group_iso_administrator"), self.env.ref("iso_records.group_iso_manager"))
        category = self.env.ref("iso_records.module_category_iso_records")
        self.assertEqual(category.name, "ISO Records")
        self.assertEqual(len(self.env["res.groups"].search([("category_id", "=", category.id)])), 4)

    def test_root_and_configuration_menus(self):
        root = self.env.ref("iso_records.menu_iso_root")
        self.assertEqual(root.name, "ISO Records")
        self.assertFalse(root.parent_id)
        self.assertEqual(self.env.ref("iso_records.menu_iso_configuration").parent_id, root)


def test_manifests_follow_the_project_conventions():
    for addon, dependencies in ADDON_DEPENDENCIES.items():
        manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
        assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"]), addon
        assert set(manifest["depends"]) == dependencies, addon
        for key in ("name", "summary", "author", "website", "license", "development_status", "maintainers"):
            assert manifest.get(key), f"{addon}: manifest has no {key}"
        assert (ROOT / addon / "readme" / "DESCRIPTION.md").is_file(), addon


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```sh\n(.+?)\n```", readme)
    assert commands[:2] == ["./setup/run", "./setup/test"], commands
    ci_commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "./setup/test" in ci_commands
