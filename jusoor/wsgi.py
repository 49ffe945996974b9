import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jusoor.settings")
application = get_wsgi_application()

# The imports below need the settings configured above.
from django.conf import settings  # noqa: E402
from django.conf.urls.i18n import is_language_prefix_patterns_used  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from jusoor.core import sealer  # noqa: E402

# Every URL pattern, and the views behind them, loaded here: the server loads this module before
# it forks its workers, which then start with them instead of importing them all at their first
# request (0.7 to 0.9 s of CPU each, and again each time a worker is replaced).
get_resolver().url_patterns  # noqa: B018
is_language_prefix_patterns_used(settings.ROOT_URLCONF)

# The web server seals audit events in one thread per process rather than in each request.
sealer.run_in_background()
