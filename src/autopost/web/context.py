"""Template context every page needs."""

# URL names (by prefix) that belong to each section of the main navigation.
_SECTIONS = (
    ("publication", "publications"),
    ("calendar", "publications"),
    ("settings", "platforms"),
    ("connect", "platforms"),
    ("configure_connection", "platforms"),
    ("disconnect", "platforms"),
    ("home", "clips"),
    ("clip", "clips"),
)


def navigation(request):
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    section = next((section for prefix, section in _SECTIONS if name and name.startswith(prefix)), "")
    return {"nav_section": section}
