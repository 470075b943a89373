from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<uuid:notification_id>/read/", views.notification_read, name="notification-read"),
]
