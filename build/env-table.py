#!/usr/bin/env python3
"""build/env-table.py: prints the Markdown table of the built-in environments (spaces, reward, episode end) from the tables in
their classes' XML doc comments (src/Environments/**/*.cs, <list type="table"> with the terms Observation space, Action space,
Reward, Termination, Truncation). docs/environments.md holds its output in a figure block: `build/figures.sh --only environments`
rewrites it, so the page follows the code. Usage: python3 build/env-table.py [REPOSITORY_ROOT]"""
import html
import pathlib
import re
import sys

COLUMNS = ["Observation space", "Action space", "Reward", "Termination", "Truncation"]


def to_markdown(xml: str) -> str:
    """The text of one doc-comment cell as Markdown on one line (pipes escaped for the table)."""
    text = re.sub(r"\s*\n\s*///\s?", " ", xml)
    text = re.sub(r"<c>(.*?)</c>", r"`\1`", text, flags=re.S)
    text = re.sub(r'<see (?:c|lang)ref="(?:[A-Z]:)?([^"]*)"\s*/>', lambda m: f"`{m.group(1).split('.')[-1]}`", text)
    text = re.sub(r'<see cref="[^"]*">(.*?)</see>', r"\1", text, flags=re.S)
    text = re.sub(r'<paramref name="([^"]*)"\s*/>', r"`\1`", text)
    text = re.sub(r"<sup>(.*?)</sup>", r"^\1", text)
    text = re.sub(r"<sub>(.*?)</sub>", r"_\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(re.sub(r"\s+", " ", text)).strip()
    return text.replace("|", "\\|")


def environments(root: pathlib.Path):
    """(id, {term: text}) for every environment class whose doc comment has the table, sorted by folder then id."""
    rows = []
    for path in sorted((root / "src" / "Environments").rglob("*.cs")):
        if "/bin/" in str(path) or "/obj/" in str(path):
            continue
        source = path.read_text(encoding="utf-8")
        terms = {}
        for m in re.finditer(r"<item>\s*<term>([^<]*)</term>\s*<description>(.*?)</description>\s*</item>", source, re.S):
            terms.setdefault(m.group(1).strip(), to_markdown(m.group(2)))
        if not all(c in terms for c in ["Observation space", "Action space", "Reward"]):
            continue
        ids = terms.get("Ids") or terms.get("Id")
        if ids is None:
            m = re.search(r'const string Id = "([^"]+)"', source)
            if m is None:
                raise SystemExit(f"env-table: {path}: a documented environment without an Id constant or an Ids row")
            ids = f"`{m.group(1)}`"
        rows.append((path.parent.name, ids, terms, path.relative_to(root)))
    return rows


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    rows = environments(root)
    if not rows:
        print(f"env-table: no documented environment under {root / 'src/Environments'}", file=sys.stderr)
        return 1
    print("| Id | Observation | Action | Reward | Termination | Truncation | Source |")
    print("|---|---|---|---|---|---|---|")
    for _, ids, terms, path in rows:
        cells = [ids] + [terms.get(c, "–") for c in COLUMNS] + [f"[{path.name}](../{path})"]
        print("| " + " | ".join(cells) + " |")
    print()
    print(f"{len(rows)} environment classes; generated from their XML doc comments by `python3 build/env-table.py`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
