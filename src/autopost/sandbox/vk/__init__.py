"""The VK emulator (platform-apis.md §1.1, §1.2, §2, §7 "VK", §8).

Three hosts of the real VK, three mounts here:

- ``/vk``: ``api.vk.ru`` — ``api.MethodEndpoint`` serves ``/method/<name>`` (``methods`` and
  ``videos`` hold the methods), ``upload.UploadEndpoint`` the upload server that ``video.save`` and
  ``shortVideo.create`` hand out;
- ``/vk-id``: ``id.vk.com`` — ``vkid`` (OAuth 2.1 with PKCE, consent page in ``consent``);
- ``/vk-oauth``: ``oauth.vk.com`` — ``legacy`` (the old code and implicit flows).

``world`` holds people, communities, tokens, videos and wall posts; ``control`` the control API
under ``/_control/vk``; ``faults`` the VK-only fault kinds.
"""
