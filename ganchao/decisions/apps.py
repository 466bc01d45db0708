from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.decisions"
    label = "decisions"
    verbose_name = "重大行政决策"

    def ready(self):
        from ganchao.audit.selectors import register_history_access
        from ganchao.common.errors import NotFound
        from ganchao.decisions import (
            selectors,
            selectors_catalogue,
            services,  # noqa: F401  (registers the audit codes)
        )

        def decision_history(actor, object_id):
            if not str(object_id).isdigit():
                return False
            try:
                selectors.decision_get(actor, int(object_id))
            except NotFound:
                return False
            return True

        def catalogue_history(actor, object_id):
            if not str(object_id).isdigit():
                return False
            try:
                selectors_catalogue.catalogue_get(actor, int(object_id))
            except NotFound:
                return False
            return True

        register_history_access("decision", decision_history)
        register_history_access("decisioncatalogue", catalogue_history)
