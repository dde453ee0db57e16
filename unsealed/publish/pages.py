"""Rendering the site's pages with Jinja2 (autoescape on: every value is HTML-escaped).

Templates live in ``templates/``; every link is relative (``root`` is "" or "../"), so the site
works from any folder, web server or file:// URL.
"""

from __future__ import annotations

import math
from pathlib import Path

from unsealed.publish.collect import PublicPerson
from unsealed.publish.documents import PublicDocument

PER_PAGE = 500


def environment():
    """The Jinja2 environment (package templates, autoescape, undefined values are errors)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("unsealed.publish", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


class Renderer:
    """Writes pages into the output folder."""

    def __init__(self, out: Path, site: dict):
        self.env = environment()
        self.out = out
        self.site = site
        self.files = 0

    def write(self, rel: str, template: str, **context) -> None:
        root = "../" * rel.count("/")
        text = self.env.get_template(template).render(site=self.site, root=root, **context)
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.files += 1

    def people(self, people: list[PublicPerson]) -> None:
        """One page per person and the paged list of everyone."""
        for p in people:
            self.write(f"people/{p.pid}.html", "person.html", p=p)
        pages = max(1, math.ceil(len(people) / PER_PAGE))

        def page_name(n: int) -> str:
            return "index.html" if n == 1 else f"page-{n}.html"

        def facility(p: PublicPerson) -> str:
            return next((v for label, v in p.facts if label.startswith("Facility")), "")

        for n in range(1, pages + 1):
            chunk = people[(n - 1) * PER_PAGE : n * PER_PAGE]
            self.write(f"people/{page_name(n)}", "people_list.html", people=chunk, page=n, pages=pages,
                       total=len(people), page_name=page_name, facility=facility)

    def documents(self, docs: list[PublicDocument]) -> None:
        """The documents index, a page per published document, and the paged list of withheld ones."""
        published = []
        for d in docs:
            if not d.publish:
                continue
            title = next((v for k, v in d.metadata if k == "title"), "") or d.paths[0].rsplit("/", 1)[-1]
            page = f"{d.sha256[:16]}.html"
            view = {"title": title, "page": page, "sha256": d.sha256, "kind": d.kind, "size": d.size,
                    "paths": d.paths, "metadata": d.metadata, "file": d.file, "text": d.text}
            self.write(f"documents/{page}", "document.html", d=view)
            published.append(view)
        withheld = [d for d in docs if not d.publish]
        pages = math.ceil(len(withheld) / PER_PAGE)

        def page_name(n: int) -> str:
            return f"withheld-{n}.html"

        for n in range(1, pages + 1):
            self.write(f"documents/{page_name(n)}", "withheld.html", docs=withheld[(n - 1) * PER_PAGE : n * PER_PAGE],
                       page=n, pages=pages, page_name=page_name)
        self.write("documents/index.html", "documents.html", published=published, withheld_total=len(withheld),
                   withheld_pages=pages)
