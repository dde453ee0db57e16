"""Shared test helpers for verify."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_self_contained(html: str) -> None:
    """Every link is an anchor on the page, nothing is loaded, no script or event handler runs."""
    parser = _Tags()
    parser.feed(html)
    assert parser.tags
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "link", "iframe", "object", "embed", "base"), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href", "srcset", "action"):
            if name in attrs:
                assert name == "href" and attrs[name].startswith("#"), (tag, attrs)
        assert "url(" not in attrs.get("style", ""), attrs
