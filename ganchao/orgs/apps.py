from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.orgs"
    label = "orgs"

    def ready(self):
        from ganchao.audit.selectors import register_history_access
        from ganchao.orgs.models import Unit
        from ganchao.orgs.scoping import scope_of
        from ganchao.orgs.selectors import users_visible

        def unit_history(actor, object_id):
            return scope_of(actor).reads_directory and Unit.objects.filter(pk=object_id).exists()

        def user_history(actor, object_id):
            return (
                str(object_id).isdigit()
                and users_visible(actor=actor).filter(pk=object_id).exists()
            )

        def leader_history(actor, object_id):
            return scope_of(actor).reads_directory

        register_history_access("unit", unit_history)
        register_history_access("leader", leader_history)
        register_history_access("user", user_history)
