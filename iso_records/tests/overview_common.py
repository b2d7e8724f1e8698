"""Checks that the overview tests of the three addons share."""


class OverviewChecks:
    """What the overview tests of the addons share: the counts a user sees, the list a tile opens, and the
    checks that each tile counts its list and that the queries do not grow with the data."""

    @classmethod
    def counts_of(cls, user):
        overview = cls.env["iso.overview"].with_user(user).get_overview()
        return {tile["key"]: tile["count"] for section in overview["sections"] for tile in section["tiles"]}

    def opened(self, user, key):
        """The records of the list open_tile(key) opens, searched as ``user`` with the action's context."""
        action = self.env["iso.overview"].with_user(user).open_tile(key)
        model = self.env[action["res_model"]].with_user(user).with_context(**action["context"])
        return model.search(action["domain"])

    def assert_tiles_count_their_lists(self, roles):
        for role, user in roles.items():
            for key, count in self.counts_of(user).items():
                if count is None:  # a value tile
                    continue
                with self.subTest(role=role, tile=key):
                    self.assertEqual(count, len(self.opened(user, key)))

    def assert_queries_constant(self, user, add_items):
        """get_overview() as ``user`` runs as many queries before and after ``add_items()``."""
        overview = self.env["iso.overview"].with_user(user)

        def queries():
            overview.get_overview()  # warm the caches of groups, params and translations
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            overview.get_overview()
            return self.env.cr.sql_log_count - before

        with_few = queries()
        add_items()
        self.assertEqual(with_few, queries())
