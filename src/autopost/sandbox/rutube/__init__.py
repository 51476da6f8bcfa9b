"""The Rutube emulator (platform-apis.md §4, §6, §7 "Rutube"), mounted at ``/rutube``
(``https://rutube.ru``).

``api`` routes the endpoints and applies faults; ``calls`` is DRF-style token authentication and
body parsing, ``errors`` the DRF error shapes, ``videos`` the video endpoints, ``download`` the
background pull of a clip from its URL (and the callback / errback), ``objects`` the JSON
objects, ``world`` accounts, tokens, categories and videos on a clock the control API can move;
``control`` is ``/_control/rutube``, ``page`` Rutube's part of the demo page.
"""
