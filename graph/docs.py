"""The model as Markdown, generated from `model.py` so the docs cannot drift from the code."""

from __future__ import annotations

from .model import FILES, NODES, RELS, TEXT_FORMATS, VOCABULARIES, Column, LinkFile, NodeFile, Prop


def _column(c: Column, f: NodeFile | LinkFile | None = None) -> str:
    text = f"**{c.name}**" if c.required else c.name
    if c.blank_ok:
        text += " (may be blank)"
    if c.default is not None:
        text += f" (blank: `{c.default}`)"
    for implied in getattr(f, "implied", ()):
        if implied.prop == c.name:
            text += f" (blank: `{implied.value}` where {implied.when} is given)"
    return text


def _prop(p: Prop) -> str:
    kind = p.type
    if p.bounds is not None:
        kind += f", {p.bounds[0]:g} to {p.bounds[1]:g}"
    if p.format is not None:
        kind += f": {TEXT_FORMATS[p.format]}"
    return f"{p.name} ({kind})"


def model_markdown() -> str:
    lines = [
        "# The icpmap graph model and input files",
        "",
        "Generated from `graph/model.py` by `icpmap schema --markdown`; do not edit by hand.",
        "",
        "## Nodes",
        "",
        "| label | key | properties |",
        "|---|---|---|",
    ]
    for node in NODES.values():
        props = ", ".join(_prop(p) for p in node.props[1:])
        lines.append(f"| {node.label} | {node.key} | {props} |")
    lines += ["", "## Relationships", "", "| type | from → to | properties |", "|---|---|---|"]
    for rel in RELS.values():
        ends = "; ".join(f"{a} → {b}" for a, b in rel.ends)
        props = ", ".join(f"{p.name} ({p.type})" for p in rel.props)
        lines.append(f"| {rel.type} | {ends} | {props} |")
    lines += ["", "## Vocabularies", ""]
    for name, values in VOCABULARIES.items():
        lines.append(f"- **{name}**: {', '.join(values)}")
    lines += ["", "## Input files", "", "Required columns in bold.", "", "| file | columns | becomes |", "|---|---|---|"]
    for f in FILES.values():
        cols = ", ".join(_column(c, f) for c in f.columns())
        if isinstance(f, NodeFile):
            becomes = [f"{f.label} nodes"]
            for ref in f.refs:
                arrow = f"-[:{ref.rel}]->" if ref.outgoing else f"<-[:{ref.rel}]-"
                becomes.append(f"`{ref.column.name}`: ({f.label}){arrow}({'/'.join(ref.targets)})")
        else:
            assert isinstance(f, LinkFile)
            becomes = [f"({'/'.join(f.source.labels)})-[:{f.rel}]->({'/'.join(f.target.labels)})"]
        lines.append(f"| {f.name}.csv | {cols} | {'; '.join(becomes)} |")
    return "\n".join(lines) + "\n"
