from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisations, built through every app's services. The top floor: it may
    import any app and nothing imports it, so no app's code depends on demo data."""

    name = "demo"
