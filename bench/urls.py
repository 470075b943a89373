"""The HTTP figures' URLconf (bench/server_settings.py), never the product's: Charter's URLs
after the ceiling views under /bench/ceiling/, so both sides of every HTTP figure run in the
same process, behind the same middleware, on the same database connection."""

from django.urls import path

from bench import views
from config.urls import urlpatterns as charter

urlpatterns = [
    path("bench/ceiling/api/projects/", views.api_projects),
    path("bench/ceiling/api/projects/<uuid:project_id>/risks/", views.api_risks),
    path("bench/ceiling/projects/<uuid:project_id>/", views.html_project),
    path("bench/ceiling/projects/<uuid:project_id>/risks/", views.html_risks),
    *charter,
]
