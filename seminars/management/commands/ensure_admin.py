import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_FILE = settings.BASE_DIR / ".admin-password"
USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Create the local admin user once, with a random password kept in the git-ignored "
        "file .admin-password, and print the login."
    )

    def handle(self, *args, **options):
        user_model = get_user_model()
        if PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text(encoding="utf-8").strip()
        else:
            password = secrets.token_urlsafe(12)
            PASSWORD_FILE.write_text(password + "\n", encoding="utf-8")
            PASSWORD_FILE.chmod(0o600)
        user = user_model.objects.filter(username=USERNAME).first()
        if user is None:
            user_model.objects.create_superuser(USERNAME, "", password)
        elif not user.check_password(password):
            self.stdout.write(
                self.style.WARNING(
                    f"The user '{USERNAME}' exists with another password than the one in "
                    f"{PASSWORD_FILE.name}; change it with: python manage.py changepassword "
                    f"{USERNAME}"
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: http://127.0.0.1:8000/admin/  user: {USERNAME}  password: {password}"
            )
        )
