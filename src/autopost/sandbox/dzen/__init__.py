"""The Дзен emulator (platform-apis.md §5, §6, §7 "Dzen"), mounted at ``/dzen``
(``https://dzen.ru``) with its sign-in page at ``/dzen-passport``.

``api`` routes the endpoints; ``calls`` checks the session cookie, the CSRF token and the channel,
and shapes ``{"errors": [...]}`` answers; ``media`` is ``media-api-video`` (validate, start and
finish an upload), ``tus`` the TUS 1.0.0 upload server, ``editor`` ``editor-api/v2`` (drafts,
polling, publishing, stats2), ``pages`` Studio's page, the sign-in page and the public launcher
feed, ``objects`` the JSON objects, ``world`` channels, sessions, publications and uploads on a
clock the control API can move; ``faults`` Дзен's fault kinds, ``control`` is ``/_control/dzen``,
``page`` Дзен's part of the demo page.
"""
