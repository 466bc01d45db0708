from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ganchao.assessment"
    verbose_name = "考核"

    def ready(self):
        # The services register their audit action codes on import; commands that never load
        # the URL routes must still know them (labels on the audit pages, the chain's registry).
        from ganchao.assessment import (  # noqa: F401
            release_services,
            services,
            services_appeals,
            services_benchmarks,
            services_bulletins,
            services_inputs,
        )
