from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.goals"
    label = "goals"

    def ready(self):
        from ganchao.audit.selectors import register_history_access
        from ganchao.common.errors import NotFound
        from ganchao.goals import (
            selectors,
            service_base,  # noqa: F401  (registers the audit codes)
        )

        def item_history(actor, object_id):
            if not str(object_id).isdigit():
                return False
            try:
                selectors.item_get(actor, int(object_id))
            except NotFound:
                return False
            return True

        register_history_access("item", item_history)
