from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.audit_actions import AccountsAction
        from accounts.outbox import register_handlers
        from audit.actions import register_actions

        register_actions(AccountsAction)
        register_handlers()

        # django-axes announces a lockout only through its signal.
        from axes.signals import user_locked_out

        from accounts.signin import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="charter-sign-in-locked-out")

        from django.core.checks import register

        from accounts.oidc import check_group_roles

        register(check_group_roles)
