"""URLs of the shell: the public home page and the staff workbench's home, login and logout."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/login/", views.StaffLoginView.as_view(), name="login"),
    # POST only (Django refuses GET); then to LOGOUT_REDIRECT_URL, the public home page.
    path("staff/logout/", LogoutView.as_view(), name="logout"),
]
