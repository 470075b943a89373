from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.audit_actions import AccountsAction
        from accounts.outbox import register_handlers
        from audit.actions import register_actions

        register_actions(AccountsAction)
        register_handlers()
