from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("nav/", views.inbox_nav, name="nav-count"),
]
