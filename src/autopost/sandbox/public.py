"""The public pages of the emulated sites: what a post or channel link autopost shows opens.

In sandbox mode the providers build their links on the sandbox (``AUTOPOST_*_WEB_URL``), so each
platform answers its real URL shapes from its own world (``<platform>/public.py``); this module
only writes the HTML, so the four pages look and escape alike. A post the world does not have (or
has not made public) is a 404. The sandbox keeps uploaded bytes only where its platform serves them
back (Telegram with ``keep_files``); elsewhere the page says it holds only the size and SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
    ".site{color:#666}.text{white-space:pre-line}video{max-width:100%;max-height:70vh}"
    "code{word-break:break-all}"
)


@dataclass(frozen=True)
class Post:
    platform: str
    # The channel, community or page the post is on, and its page here ("" when it has none).
    place: str
    place_url: str
    title: str
    text: str = ""
    # The uploaded file, when the sandbox kept it.
    video_url: str = ""
    size: int | None = None
    sha256: str | None = None
    # A state worth telling a visitor ("обрабатывается"), if any.
    note: str = ""


def site_root(request: Request) -> str:
    """The path the platform's site is mounted at, for links between its pages."""
    return request.scope.get("root_path", "")


def headline(text: str | None) -> tuple[str, str]:
    """A caption's first line as the title, and the rest as the text (Telegram and Clips have
    no title of their own)."""
    lines = (text or "").strip().splitlines()
    return (lines[0].strip(), "\n".join(lines[1:]).strip()) if lines else ("", "")


def _document(platform: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — {escape(platform)}</title><style>{STYLE}</style></head>"
        f'<body><p class="site">{escape(platform)} · песочница autopost</p>{body}</body></html>',
        status_code=status,
    )


def _link(text: str, url: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>' if url else escape(text)


def _media(post: Post) -> str:
    if post.video_url:
        return f'<video controls preload="metadata" src="{escape(post.video_url)}"></video>'
    if post.sha256:
        return (
            '<p class="no-file">Песочница не хранит загруженный файл, только его размер '
            f"({post.size or 0} байт) и SHA-256 <code>{escape(post.sha256)}</code>.</p>"
        )
    return '<p class="no-file">Файл ещё не загружен.</p>'


def post_page(post: Post) -> HTMLResponse:
    title = post.title or "Без названия"
    note = f'<p class="note">{escape(post.note)}</p>' if post.note else ""
    text = f'<p class="text">{escape(post.text)}</p>' if post.text else ""
    body = (
        f'<p class="place">{_link(post.place, post.place_url)}</p>'
        f"<h1>{escape(title)}</h1>{note}{_media(post)}{text}"
    )
    return _document(post.platform, title, body)


def channel_page(platform: str, name: str, posts: list[tuple[str, str]]) -> HTMLResponse:
    """``name``'s page: its public posts as (title, url), newest first."""
    items = "".join(f"<li>{_link(title or 'Без названия', url)}</li>" for title, url in posts)
    listing = f"<ul>{items}</ul>" if posts else "<p>Публикаций пока нет.</p>"
    return _document(platform, name, f"<h1>{escape(name)}</h1>{listing}")


def not_found(platform: str) -> HTMLResponse:
    body = "<h1>Страница не найдена</h1><p>Такой публикации или страницы здесь нет.</p>"
    return _document(platform, "Страница не найдена", body, status=404)
