"""Local emulators of the platforms' HTTP APIs, with fault injection and a control API.

``server.create_app`` builds the Starlette app (one module per platform, mounted under
``/<platform>``); ``autopost sandbox`` serves it, ``testing.run_sandbox`` runs it inside tests and
``client.SandboxControl`` drives its control API.
"""
