"""Reading back the multipart bodies providers send, for request-shape assertions."""

import httpx

def multipart_parts(request: httpx.Request) -> dict[str, tuple[dict[str, str], bytes]]:
    """Part name → (its Content-Disposition parameters and Content-Type, its exact bytes)."""
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    parts = {}
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        params = {}
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(": ")
            if key.lower() == "content-disposition":
                for item in value.split("; ")[1:]:
                    name, _, quoted = item.partition("=")
                    params[name] = quoted.strip('"')
            else:
                params[key.lower()] = value
        parts[params["name"]] = (params, body.removesuffix(b"\r\n"))
    return parts
