import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jusoor.settings")
application = get_wsgi_application()

# The web server seals audit events in one thread per process rather than in each request.
from jusoor.core import sealer  # noqa: E402  (needs the settings configured above)

sealer.run_in_background()
