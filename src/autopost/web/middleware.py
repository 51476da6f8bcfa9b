from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Russian unless the person chose another language with the switch (a cookie).

    The browser's Accept-Language is deliberately not used: creators on the Russian platforms
    often browse with an English system locale, and the product speaks Russian to them first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
