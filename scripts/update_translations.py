"""Regenerate the addon's translation template from a real Odoo 19 and merge it into the .po files.

Usage (from the repository root, with the Odoo 19 and PostgreSQL of the Odoo suite)::

    ODOO_PYTHON=/path/to/odoo/venv/bin/python ODOO_PATH=/path/to/odoo/src \\
        PGHOST=... PGPORT=... PGUSER=... PGPASSWORD=... \\
        python3 scripts/update_translations.py [--template tmpl_base] [--merge-only]

Steps:

1. create a throwaway database (a copy of ``--template`` / ``ODOO_SUITE_TEMPLATE`` when given,
   which is faster), install ``superoffice_connector`` into it;
2. export the template with Odoo's own ``odoo-bin i18n export`` into
   ``superoffice_connector/i18n/superoffice_connector.pot`` (left untouched when only its dates
   would change); drop the database;
3. merge the template into every ``i18n/<lang>.po``: the entries and their order come from the
   template, the existing translations are kept, new terms get an empty ``msgstr``. Terms that
   disappeared are printed with their old translation, so a translation of a reworded term can be
   reused by hand. The script then lists the terms still untranslated per language.

``--merge-only`` skips steps 1-2 (merges the committed template again). Exit status 0 even with
untranslated terms; the addon's ``TestTranslations`` is what fails on them.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402

ADDON = "superoffice_connector"
I18N = odoo_env.ROOT / ADDON / "i18n"
POT = I18N / f"{ADDON}.pot"
DATE_RE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)

# --------------------------------------------------------------------------- PO reading/writing
# Enough of the PO format for Odoo's exports: no plurals, no msgctxt. Entries are kept as the
# exact text Odoo wrote, so a merged .po differs from the template only in its msgstr lines.

_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}


def unescape(text):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def escape(text):
    return (
        text.replace("\\", r"\\").replace("\t", r"\t").replace("\r", r"\r")
        .replace("\n", r"\n").replace('"', r"\"")
    )  # fmt: skip


def _wrap_escaped(escaped, width):
    """Split ``escaped`` like textwrap.wrap(drop_whitespace=False, break_long_words=False)."""
    import textwrap  # noqa: PLC0415

    return textwrap.wrap(escaped, width, drop_whitespace=False, break_long_words=False)


def render_field(name, value, wrapwidth=78):
    """``msgstr "..."`` lines the way polib (and so Odoo's export) writes them."""
    parts = value.splitlines(True)
    if len(parts) > 1:
        lines = [""] + parts
    else:
        special = sum(value.count(c) for c in ("\\", "\n", "\r", "\t", '"'))
        if len(value) > wrapwidth - (len(name) + 3) + special:
            lines = [""] + [unescape(item) for item in _wrap_escaped(escape(value), wrapwidth - 2)]
        else:
            lines = [value]
    return [f'{name} "{escape(lines[0])}"'] + [f'"{escape(line)}"' for line in lines[1:]]


class Entry:
    """One PO entry: its raw comment lines, msgid, msgstr and whether it is obsolete."""

    def __init__(self, comments, msgid, msgstr, obsolete=False):
        self.comments = comments
        self.msgid = msgid
        self.msgstr = msgstr
        self.obsolete = obsolete

    def render(self):
        return "\n".join(
            self.comments + render_field("msgid", self.msgid) + render_field("msgstr", self.msgstr)
        )


def parse_po(text):
    """Entries of a PO text, the header entry (empty msgid) first."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        comments, fields, current = [], {"msgid": [], "msgstr": []}, None
        obsolete = False
        for line in block.splitlines():
            if line.startswith("#~"):
                obsolete = True
                line = line[2:].lstrip()
                if not line.startswith(("msgid", "msgstr", '"')):
                    continue
            if line.startswith("#"):
                comments.append(line)
            elif line.startswith(("msgid ", "msgstr ")):
                current, _, rest = line.partition(" ")
                fields[current].append(rest.strip()[1:-1])
            elif line.startswith('"') and current:
                fields[current].append(line.strip()[1:-1])
        if current is None:
            continue
        msgid = unescape("".join(fields["msgid"]))
        msgstr = unescape("".join(fields["msgstr"]))
        entries.append(Entry(comments, msgid, msgstr, obsolete))
    return entries


def merge(pot_text, po_text, lang):
    """The merged .po text and ``(new, removed)`` lists of msgids."""
    template = parse_po(pot_text)
    old = parse_po(po_text) if po_text else []
    old_header = next((e for e in old if e.msgid == ""), None)
    translations = {e.msgid: e.msgstr for e in old if e.msgid and not e.obsolete and e.msgstr}
    header = template[0]
    lines = []
    for line in header.comments:
        lines.append(line)
    head_values = header.msgstr
    if old_header is not None:
        for key in ("Language-Team", "Last-Translator", "Language", "Plural-Forms"):
            match = re.search(rf"^{key}: .*$", old_header.msgstr, re.MULTILINE)
            if match:
                head_values = re.sub(rf"^{key}: .*$", match.group(0), head_values, flags=re.M)
    if not re.search(r"^Language: ", head_values, re.MULTILINE):
        head_values = head_values.replace("MIME-Version:", f"Language: {lang}\nMIME-Version:", 1)
    blocks = ["\n".join(lines + render_field("msgid", "") + render_field("msgstr", head_values))]
    new = []
    for entry in template[1:]:
        entry.msgstr = translations.get(entry.msgid, "")
        if entry.msgid not in translations:
            new.append(entry.msgid)
        blocks.append(entry.render())
    kept = {e.msgid for e in template}
    removed = [(e.msgid, e.msgstr) for e in old if e.msgid and e.msgid not in kept and e.msgstr]
    return "\n\n".join(blocks) + "\n", new, removed


# --------------------------------------------------------------------------- export from Odoo


def export_pot(python, odoo_path, pg, template, ref=None):
    """The template text exported by Odoo 19 from a throwaway database with the addon.

    With ``ref``, the addon as committed at that git revision is exported instead of the work
    tree (useful while others are in the middle of an edit)."""
    dbname = f"so_i18n_{uuid.uuid4().hex[:10]}"
    workdir = Path(tempfile.mkdtemp(prefix="so-i18n-"))
    addons = odoo_env.addons_path(python, odoo_path)
    if ref:
        snapshot = workdir / "addons"
        snapshot.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(odoo_env.ROOT), "archive", ref, ADDON],
            capture_output=True, check=True,
        )  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive.stdout, check=True)
        addons = ",".join(addons.split(",")[:-1] + [str(snapshot)])
    config = workdir / "odoo.conf"
    config.write_text(
        "[options]\n"
        f"addons_path = {addons}\n"
        f"data_dir = {workdir / 'data'}\n"
        f"db_host = {pg['host']}\ndb_port = {pg['port']}\n"
        f"db_user = {pg['user']}\ndb_password = {pg['password'] or 'False'}\n"
        "http_interface = 127.0.0.1\n",
        encoding="utf-8",
    )
    env = odoo_env.odoo_env_vars(odoo_path)
    odoo = odoo_env.odoo_command(python, odoo_path)
    try:
        if template:
            odoo_env.create_database(python, pg, dbname, template)
        print(f"installing {ADDON} into {dbname} ...", flush=True)
        install = subprocess.run(
            odoo + ["-c", str(config), "-d", dbname, "-i", ADDON, "--stop-after-init",
                    "--http-port", str(odoo_env.free_port()),
                    "--gevent-port", str(odoo_env.free_port()), "--log-level", "warn"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if install.returncode != 0:
            sys.stderr.write(install.stdout[-4000:] + install.stderr[-4000:])
            raise RuntimeError(f"installing {ADDON} failed (exit {install.returncode})")
        out = workdir / f"{ADDON}.pot"
        export = subprocess.run(
            odoo + ["i18n", "export", "-c", str(config), "-d", dbname, "-o", str(out), ADDON],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if export.returncode != 0 or not out.exists():
            sys.stderr.write(export.stdout[-4000:] + export.stderr[-4000:])
            raise RuntimeError(f"odoo-bin i18n export failed (exit {export.returncode})")
        return out.read_text(encoding="utf-8")
    finally:
        odoo_env.drop_database(python, pg, dbname)
        shutil.rmtree(workdir, ignore_errors=True)


def write_pot(text):
    """Write the template unless only its dates changed; True when the terms changed."""
    old = POT.read_text(encoding="utf-8") if POT.exists() else ""
    if DATE_RE.sub("", old) == DATE_RE.sub("", text):
        return False
    POT.write_text(text, encoding="utf-8")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--template", default=os.environ.get("ODOO_SUITE_TEMPLATE", ""),
        help="database to copy instead of starting empty (e.g. one with contacts+project+mail)",
    )  # fmt: skip
    parser.add_argument("--merge-only", action="store_true", help="only merge the committed .pot")
    parser.add_argument("--ref", help="export the addon as committed at this git revision")
    args = parser.parse_args()
    if not args.merge_only:
        odoo_env.install_signal_handlers()
        found = odoo_env.find_odoo(provision=True)
        if not found:
            print(f"no Odoo {odoo_env.series_of()} found; set ODOO_PYTHON (and ODOO_PATH)",
                  file=sys.stderr)
            return 2
        python, odoo_path, version = found
        print(f"Odoo {version} at {python}")
        with odoo_env.postgres() as pg:
            text = export_pot(python, odoo_path, pg, args.template, args.ref)
        changed = write_pot(text)
        print(f"{POT.relative_to(odoo_env.ROOT)}: {'updated' if changed else 'unchanged'}")
    pot_text = POT.read_text(encoding="utf-8")
    total = len(parse_po(pot_text)) - 1
    for po in sorted(I18N.glob("*.po")):
        lang = po.stem
        merged, new, removed = merge(pot_text, po.read_text(encoding="utf-8"), lang)
        po.write_text(merged, encoding="utf-8")
        print(f"{po.relative_to(odoo_env.ROOT)}: {total} terms, {len(new)} untranslated")
        for msgid, msgstr in removed:
            print(f"  removed: {msgid!r} (was {msgstr!r})")
        for msgid in new:
            print(f"  untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
