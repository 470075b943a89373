"""Charter settings: one module, read from the environment (12-factor).

Defaults are the embedded quickstart (SQLite file and a filesystem broker under var/),
so `make run` needs no server. Production, docker-compose and CI set DATABASE_URL and
REDIS_URL. Reference: https://docs.djangoproject.com/en/6.1/ref/settings/
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # real environment variables win over the file

DATA_DIR = Path(env("CHARTER_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="django-insecure-quickstart-key-only-for-local-use" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "core",
    "audit",
    "outbox",
    "accounts",
    "projects",
    "stakeholders",
    "models_registry",
    "compliance",
    "notifications",
    "webhooks",
    "reminders",
    "inbox",
    "reports",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "demo",  # the top floor: nothing imports it
    "bench",  # above demo: the load data generator's command (docs/performance.md)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "accounts.middleware.TwoFactorEnrolmentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.HtmxVaryMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.organizations",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# An empty variable counts as unset, so `DATABASE_URL= make run` means "the embedded default".
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{DATA_DIR / 'charter.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two audit writers can never read the same
    # chain head; WAL lets the web, worker and beat processes read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"

# --- Sign-in throttling (django-axes): https://django-axes.readthedocs.io/en/latest/4_configuration.html
# After CHARTER_SIGNIN_FAILURE_LIMIT wrong passwords for one address from one client, that
# pair is locked out for CHARTER_SIGNIN_LOCKOUT_MINUTES (429, even with the right password);
# a success resets the count. Keyed on the pair, so nobody locks another person out from
# elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on; answers only on its callback, and only once a provider is configured.
    "accounts.oidc.CharterOIDCBackend",
]
AXES_FAILURE_LIMIT = env.int("CHARTER_SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CHARTER_SIGNIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_address"
AXES_USERNAME_CALLABLE = "accounts.signin.attempted_email"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two-factor sign-in (django-otp, accounts/two_factor.py): the name authenticator apps show.
# Wrong codes count as failed sign-ins of the address above, so the same lockout applies.
OTP_TOTP_ISSUER = env("CHARTER_TOTP_ISSUER", default="Charter")
# --- Single sign-on with OpenID Connect (mozilla-django-oidc, accounts/oidc.py): off while
# CHARTER_OIDC_CLIENT_ID is empty. The endpoints are the provider's (its discovery document
# lists them); ID tokens are RS256-signed and checked against its JWKS.
OIDC_RP_CLIENT_ID = env("CHARTER_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("CHARTER_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("CHARTER_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("CHARTER_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("CHARTER_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("CHARTER_OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env("CHARTER_OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
# The claim that lists the person's groups, and which group gives which role where:
# "group=organisation-slug:role, ..." (roles: admin, compliance_officer, member).
CHARTER_OIDC_GROUPS_CLAIM = env("CHARTER_OIDC_GROUPS_CLAIM", default="groups")
# Checked at start-up (accounts.oidc.check_group_roles).
CHARTER_OIDC_GROUP_ROLES = env("CHARTER_OIDC_GROUP_ROLES", default="")
LOGIN_REDIRECT_URL = "home"  # the portfolio dashboard
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
INVITATION_TTL_DAYS = env.int("CHARTER_INVITATION_TTL_DAYS", default=14)
API_TOKEN_DEFAULT_TTL_DAYS = env.int("CHARTER_API_TOKEN_DEFAULT_TTL_DAYS", default=90)
API_TOKEN_MAX_TTL_DAYS = env.int("CHARTER_API_TOKEN_MAX_TTL_DAYS", default=366)

# --- Internationalisation: aware UTC in the database, shown in the user's time zone -------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email --------------------------------------------------------------------------------
# Django 6.1 mailers (https://docs.djangoproject.com/en/6.1/topics/email/). The quickstart
# prints mail to the console; production sends through SMTP.
_email_backend = env(
    "DJANGO_EMAIL_BACKEND",
    default="core.console_mail.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_email_options = (
    {
        "host": env("DJANGO_EMAIL_HOST", default="localhost"),
        "port": env.int("DJANGO_EMAIL_PORT", default=25),
        "username": env("DJANGO_EMAIL_HOST_USER", default=""),
        "password": env("DJANGO_EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("DJANGO_EMAIL_USE_TLS", default=False),
        "timeout": 10,
    }
    if _email_backend.endswith("smtp.EmailBackend")
    else {}
)
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Charter <charter@localhost>")
SITE_URL = env("CHARTER_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Security -----------------------------------------------------------------------------
# Secure by default; the quickstart (DEBUG) serves plain http on localhost.
_secure = env.bool("CHARTER_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = _secure
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
# The readable page for a refused form; problem+json under /api/.
CSRF_FAILURE_VIEW = "core.api.errors.csrf_failure"
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of Charter append to X-Forwarded-For (core/clientip.py):
# rate limits and the audit trail then see the client's address, not the proxy's. 0 ignores
# the header, which a client could forge.
CHARTER_TRUSTED_PROXIES = env.int("CHARTER_TRUSTED_PROXIES", default=0)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy on every response (accounts.middleware.PermissionsPolicyMiddleware):
# features Charter never uses are off, for its pages and anything they could embed; an empty
# list is "()", nobody. Fullscreen and the clipboard (the copy buttons) stay with Charter.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Content Security Policy (Django 6 built-in): scripts only from our own origin, with nonces.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and every object fetched by a view checked by the one permission policy
    # (it reads the view's `policy_perms`; core.api.viewsets.ApiViewSet documents the table).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.PolicyPermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.CharterAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.problem_details_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("CHARTER_THROTTLE_ANON", default="60/min"),
        "user": env("CHARTER_THROTTLE_USER", default="600/min"),
        # Posts to /api/v1/intake/feedback/, per project intake key (stakeholders/api/intake.py).
        "intake": env("CHARTER_THROTTLE_INTAKE", default="60/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Charter API",
    "DESCRIPTION": "Govern generative-AI projects from first idea to production.",
    "VERSION": "1.0.0",
    # OpenAPI 3.1: JSON Schema 2020-12 inside the schema (nullable as a type list, examples as
    # lists), which current client generators and validators read natively.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button: nested controls, which
    # screen readers and keyboards cannot tell apart (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # Tags and operation ids start after the version: "projects_list", not "v1_projects_list".
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_query_problems",
    ],
    # Choice sets that share a field name ("role", "status") each get their own component.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationRoleEnum": "accounts.models.OrganizationMembership.Role",
        "ProjectRoleEnum": "accounts.models.ProjectMembership.Role",
        "InvitationStatusEnum": "accounts.models.Invitation.Status",
        "ProjectStatusEnum": "projects.models.Project.Status",
        "PhaseEnum": "projects.models.Project.Phase",
        "RequirementKindEnum": "compliance.models.Requirement.Kind",
        "UseCaseProposalStatusEnum": "projects.models.UseCaseProposal.Status",
        "ScopeVersionStatusEnum": "projects.models.ScopeVersion.Status",
        "FeasibilityRatingEnum": "projects.models.feasibility.Rating",
        "RiskStatusEnum": "projects.models.Risk.Status",
        "TaskStatusEnum": "projects.models.Task.Status",
        "GateRequestStatusEnum": "projects.models.GateRequest.Status",
        "StakeholderKindEnum": "stakeholders.models.Stakeholder.Kind",
        "QuestionKindEnum": "stakeholders.models.Question.Kind",
        "WorkshopStatusEnum": "stakeholders.models.Workshop.Status",
        "FeedbackRoundStatusEnum": "stakeholders.models.FeedbackRound.Status",
        "InboxKindEnum": "inbox.selectors.KIND_CHOICES",
        # A gate's and a decision record's sign-offs share approve/reject.
        "ApproveOrRejectEnum": "projects.models.GateApproval.Decision",
        "FeasibilityVerdictEnum": "projects.models.FeasibilityStudy.Verdict",
        "DecisionRecordStatusEnum": "models_registry.models.DecisionRecord.Status",
        "ScoreSheetStatusEnum": "models_registry.models.ScoreSheet.Status",
        "ComplianceCheckStatusEnum": "compliance.models.ComplianceCheck.Status",
        "ClassificationStatusEnum": "compliance.models.Classification.Status",
        "CatalogueModelSourceEnum": "models_registry.models.CatalogueModel.Source",
        "FineTuneRunStatusEnum": "models_registry.models.FineTuneRun.Status",
        "BiasCheckMethodEnum": "models_registry.models.BiasCheck.Method",
        # A proposal's urgency and an incident's severity share low … critical.
        "LevelEnum": "projects.models.UseCaseProposal.Urgency",
        "ThresholdDirectionEnum": "models_registry.models.MonitoringThreshold.Direction",
        "BiasAuditStatusEnum": "compliance.models.BiasAudit.Status",
        "BiasAuditKindEnum": "compliance.models.BiasAudit.Kind",
        "DataSubjectRequestKindEnum": "compliance.models.DataSubjectRequest.Kind",
        "DataSubjectRequestStatusEnum": "compliance.models.DataSubjectRequest.Status",
        "RetentionRecordTypeEnum": "compliance.retention.RECORD_TYPE_CHOICES",
        "FineTuneMethodEnum": "models_registry.models.FineTuneRun.Method",
        "EvidenceStatusEnum": "compliance.models.Evidence.Status",
        "EvidenceKindEnum": "compliance.models.Evidence.Kind",
        "EvidenceFilterStatusEnum": "compliance.selectors.evidence.EVIDENCE_STATUSES",
        # Integrate & operate: A/B tests
        "ABTestStatusEnum": "models_registry.models.ABTest.Status",
        "ABTestMetricKindEnum": "models_registry.models.ABTest.MetricKind",
        "NotificationChannelEnum": "notifications.models.Notification.Channel",
        "NotificationPreferenceChannelEnum": "notifications.models.NotificationPreference.Channel",
    },
}

# --- Cache (throttling, rate limits) ------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A cache that stops answering must not hold a request for long: rate limits fall back
        # to local memory (core/ratecache.py) once a call fails.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}

# --- Celery -------------------------------------------------------------------------------
# Empty broker URL: kombu's filesystem transport under var/broker, so the quickstart runs a
# real worker and beat with no server. Redis everywhere else.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Schedules live in the database (django-celery-beat), editable in the admin without a deploy;
# config/celery.py's beat_schedule seeds the entries that do not exist yet (config/beat.py).
CELERY_BEAT_SCHEDULER = "config.beat:SeedingDatabaseScheduler"
# Publishing must fail fast when the broker is down, so a page never hangs on it.
CELERY_BROKER_TRANSPORT_OPTIONS.setdefault("max_retries", 1)
CELERY_TASK_PUBLISH_RETRY = False

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("CHARTER_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes greets every process start at INFO; its lockout warnings still show.
        "axes.apps": {"level": "WARNING"},
    },
}

# --- Compliance evidence uploads ----------------------------------------------------------
# Files are kept under MEDIA_ROOT (no URL serves it: only the permission-checked download
# view reads them back), under a random name; their type is read from their content
# (compliance/uploads.py), and the name's extension must agree with it.
# The audit checkpoints' Ed25519 key: the 32-byte private seed, base64 (`python -c "import os,
# base64; print(base64.b64encode(os.urandom(32)).decode())"`). Unset, it is derived from
# SECRET_KEY. Checkpoints are also appended, one JSON line each, to a file in this folder.
# What /healthz reports besides its checks (core/health.py): name → function returning a dict.
CHARTER_HEALTH_REPORTS = {"audit_verification": "audit.verify.latest_verification"}
# Seconds the daily verification may run before the chains left are recorded as timed out.
CHARTER_AUDIT_VERIFY_TIME_LIMIT = env.float("CHARTER_AUDIT_VERIFY_TIME_LIMIT", default=3600.0)
CHARTER_AUDIT_SIGNING_KEY = env("CHARTER_AUDIT_SIGNING_KEY", default="")
CHARTER_AUDIT_CHECKPOINT_DIR = Path(
    env("CHARTER_AUDIT_CHECKPOINT_DIR", default=str(DATA_DIR / "audit-checkpoints"))
)
# Audit trail exports: a filtered view of more events than CHARTER_AUDIT_EXPORT_NOW_MAX_ROWS
# is queued for a worker, which writes it to CHARTER_AUDIT_EXPORT_DIR (downloaded through a
# permission-checked view only); a PDF holds at most CHARTER_AUDIT_PDF_MAX_ROWS events.
CHARTER_AUDIT_EXPORT_DIR = Path(
    env("CHARTER_AUDIT_EXPORT_DIR", default=str(DATA_DIR / "audit-exports"))
)
CHARTER_AUDIT_EXPORT_NOW_MAX_ROWS = env.int("CHARTER_AUDIT_EXPORT_NOW_MAX_ROWS", default=5000)
CHARTER_AUDIT_PDF_MAX_ROWS = env.int("CHARTER_AUDIT_PDF_MAX_ROWS", default=2000)
CHARTER_EVIDENCE_MAX_BYTES = env.int("CHARTER_EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
CHARTER_EVIDENCE_TYPES = env.list(
    "CHARTER_EVIDENCE_TYPES",
    default=["pdf", "png", "jpg", "jpeg", "txt", "md", "csv", "json", "docx", "xlsx", "odt", "ods"],
)

# Evaluation results imported from where they live (docs/adapt.md): an uploaded lm-evaluation-
# harness results file or Inspect AI log is refused above this size before it is read, and an
# MLflow tracking server is a server-side request from Charter (SSRF: set the allowed hosts in
# production so a URL cannot point Charter at an internal service), each call bounded in time.
CHARTER_IMPORT_MAX_BYTES = env.int("CHARTER_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
CHARTER_MLFLOW_TIMEOUT = env.float("CHARTER_MLFLOW_TIMEOUT", default=10.0)
CHARTER_MLFLOW_ALLOWED_HOSTS = env.list("CHARTER_MLFLOW_ALLOWED_HOSTS", default=[])

# Webhooks (docs/webhooks.md): how long one delivery may take to connect, and again to read
# the answer, before it counts as failed and is retried; and whether endpoints may be plain
# http:// or point at loopback and private addresses (development and tests only).
CHARTER_WEBHOOK_TIMEOUT_SECONDS = env.float("CHARTER_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
CHARTER_WEBHOOKS_ALLOW_LOCAL = env.bool("CHARTER_WEBHOOKS_ALLOW_LOCAL", default=DEBUG)
# --- Reminders (docs/reminders.md) ------------------------------------------------------------
# How long before each kind's deadline a reminder falls due: timedelta(0) is at the deadline
# (for what escalates: "overdue"), a negative lead is after it (a gate request waiting 2 days).
# A kind with no leads is switched off. Data, not code: a deployment may override it here.
CHARTER_REMINDER_LEADS = {
    "workshop": [timedelta(hours=24)],
    "feedback_round_close": [timedelta(days=3), timedelta(0)],
    "compliance_check": [timedelta(days=7), timedelta(0)],
    "risk_review": [timedelta(0)],
    "gate_signoff": [timedelta(days=-2)],
    "evidence_expiry": [timedelta(days=30), timedelta(0)],
    "task_due": [timedelta(days=1), timedelta(0)],
    "vendor_review": [timedelta(days=14), timedelta(0)],
    "serious_incident": [timedelta(hours=24), timedelta(0)],
}
# What stays open this many days past its deadline goes to the project's managers, and past
# twice as many to the organisation's compliance officers.
CHARTER_REMINDER_ESCALATE_AFTER_DAYS = env.int("CHARTER_REMINDER_ESCALATE_AFTER_DAYS", default=3)
# A run catches up on what fell due this far back (a missed tick, a worker down); older
# reminders are not sent late.
CHARTER_REMINDER_CATCH_UP = timedelta(days=env.int("CHARTER_REMINDER_CATCH_UP_DAYS", default=7))
# --- Scheduled audit reports (reports/) ---------------------------------------------------------
# Where the reports' PDF and CSV files are kept (their SHA-256 is stored with each report; no
# URL serves the folder: only the permission-checked download reads them back), and how many
# missed periods per schedule a run of the beat catches up on.
CHARTER_REPORT_DIR = Path(env("CHARTER_REPORT_DIR", default=str(DATA_DIR / "reports")))
CHARTER_REPORT_CATCH_UP_PERIODS = env.int("CHARTER_REPORT_CATCH_UP_PERIODS", default=6)
