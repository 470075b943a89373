from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' app, installed only for its command `generate_load_data`: no models,
    no URLs. It sits on the top floor (above config and demo): nothing imports it."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"
