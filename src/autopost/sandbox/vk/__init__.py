"""The VK emulator (platform-apis.md §1.1, §1.2, §2, §7 "VK", §8).

Three hosts of the real VK, three mounts here:

- ``/vk``: ``api.vk.ru`` — ``api`` serves ``/method/<name>`` (``methods`` and ``videos`` hold the
  methods, ``calls`` the error texts, ``objects`` the JSON objects) and ``upload`` the upload
  server whose URLs ``video.save`` and ``shortVideo.create`` hand out;
- ``/vk-id``: ``id.vk.com`` — ``vkid`` (OAuth 2.1 with PKCE);
- ``/vk-oauth``: ``oauth.vk.com`` — ``legacy`` (the old code and implicit flows).

Both OAuth hosts share ``grants`` (redirect URIs, PKCE, error answers) and ``consent`` (the page
a person clicks). ``world`` holds people, communities, apps, tokens, videos and wall posts on a
clock the control API can move; ``control`` is ``/_control/vk``; ``faults`` the VK fault kinds;
``endpoint`` applies transport faults; ``page`` is VK's part of the demo page.
"""
