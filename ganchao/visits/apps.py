from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.visits"
    label = "visits"

    def ready(self):
        from ganchao.audit.selectors import register_history_access
        from ganchao.common.errors import NotFound
        from ganchao.visits import (
            selectors,
            services,  # noqa: F401  (registers the audit codes)
        )

        def visit_history(actor, object_id):
            if not str(object_id).isdigit():
                return False
            try:
                selectors.visit_get(actor=actor, pk=int(object_id))
            except NotFound:
                return False
            return True

        register_history_access("fieldvisit", visit_history)
